// Package greenhouse connects hireloop to Greenhouse Recruiting through the
// Harvest API, in two modes chosen by the base URL:
//
//   - Harvest v3 (the default, and the only Harvest Greenhouse still
//     serves: v1/v2 were switched off on 2026-08-31), base
//     https://harvest.greenhouse.io/v3, OAuth 2.0 client credentials;
//   - Harvest v1 (legacy), selected by a base URL whose path ends in /v1.
//     Only the built-in sandbox ATS (ats/sandbox) still speaks it.
//
// In v3 mode Config.IntegrationID is the OAuth client id, Config.APIKey
// the client secret and Config.ActingUserID the numeric Greenhouse user
// sent as sub, i.e. the user every call (and every write) is made as. The
// token endpoint is https://auth.greenhouse.io/token for *.greenhouse.io
// bases and <scheme>://<host>/token for any other host (fakes, proxies).
// Tokens are cached and replaced a tenth of their lifetime before they
// expire; a 401 drops the token, and a read sent with a token cached from
// earlier is repeated once with a fresh one (v3.go).
//
// # Harvest v1 facts
//
// Confirmed in the official docs (grnhse/greenhouse-api-docs, read 2026
// via the search index; harvest/_introduction.md, _tags.md,
// _job_stages.md, webhooks/_introduction.md) and in
// shared/reference/ats-apis.md (which cites the same repo at 0c37c31):
//   - Basic auth, API key as username, blank password; 401 on bad keys;
//     per-endpoint key permissions (→ 403).
//   - Collections page with an RFC 5988 Link header (next/prev/last), per_page
//     1–500 (default 100); "use the Link headers and not page manually".
//   - X-RateLimit-Limit (per 10 s) and X-RateLimit-Remaining on responses,
//     HTTP 429 when exceeded. The 2023+ docs say the 429 Retry-After holds a
//     Unix timestamp; the reference says seconds; ats.ParseRetryAfter
//     accepts both.
//   - 422 validation body {"message","errors":[{"message","field"}]}.
//   - updated_after on candidates, jobs and job stages; applications filter
//     by last_activity_after (no updated_after).
//   - GET /v1/job_stages (all stages, with job_id and priority; paged,
//     updated_after) and GET /v1/jobs/{id}/stages (one job).
//   - Tags: POST /v1/tags/candidate {name} finds (200) or creates (201);
//     PUT /v1/candidates/{cid}/tags/{tag_id} applies it; On-Behalf-Of on writes.
//   - Webhooks: "Signature: sha256 <hex HMAC-SHA256(secret, raw body)>",
//     a Greenhouse-Event-ID header per delivery, body {"action","payload"},
//     a ping on save, 6–7 retries over ~15 h. Webhooks are not part of
//     Harvest and are the same for v1 and v3 connections.
//
// Confirmed only through the reference (official docs, not re-read here):
// note POST /v1/candidates/{id}/activity_feed/notes {user_id, body,
// visibility}; attachment POST /v1/candidates/{id}/attachments {filename,
// type, content (base64) | url, content_type}; move POST
// /v1/applications/{id}/move {from_stage_id, to_stage_id}; reject POST
// /v1/applications/{id}/reject {rejection_reason_id, notes}.
//
// Inferred for v1 (check in a sandbox): the exact 401/403/404 message bodies
// ({"message": ...}); the users object fields (name, primary_email_address);
// job posts via GET /v1/job_posts?full_content=true carrying job_id,
// content and questions[] like the single-post sample; that On-Behalf-Of
// must be a numeric user id; the error status for a missing On-Behalf-Of.
//
// # Harvest v3 facts
//
// Confirmed in Greenhouse's v3 docs at harvestdocs.greenhouse.io (read
// 2026-11 via the search index; pages named below):
//   - docs/authentication: custom integrations use the OAuth 2.0 client
//     credentials flow; credentials are created in Greenhouse under API
//     Credentials > Create new API credentials > "Harvest V3 (OAuth)",
//     then scopes are configured; token endpoint
//     https://auth.greenhouse.io/token with HTTP Basic client_id:secret,
//     application/x-www-form-urlencoded body grant_type=client_credentials
//     and sub=<numeric user_id of the authorizing user>; calls carry
//     "Authorization: Bearer <access_token>" (a JWT); secrets can be
//     rotated, old ones stay valid up to a week.
//   - docs/harvest-partner-oauth: access tokens live 1 hour.
//   - docs/pagination and docs/step-by-step-migration-instructions:
//     cursor paging; filters and per_page go on the first request only;
//     follow the rel="next" URL of the Link header until there is none;
//     "When you pass a cursor, it must be the only query parameter"
//     (GET /v3/jobs?cursor=...&per_page=50 fails); no page parameter and
//     no last link (v3 "currently returns only a next link").
//   - API reference (get_v3-applications, get_v3-application-stages):
//     per_page 1–500, default 100; ids and parent-id filters
//     (candidate_ids, job_ids, stage_ids, ...) take at most 50 ids; "Pass
//     ids directly to fetch specific applications by id", so single
//     records are read through ?ids=; job interview stages are listed
//     with GET /v3/job_interview_stages?job_ids=...
//   - docs/list-endpoints: every list filters on created_at and
//     updated_at with an operator prefix: updated_at=gte|2024-01-01T00:00:00Z
//     (gte, lte, gt, lt); status where applicable.
//   - docs/standardizations: ISO 8601 UTC timestamps suffixed _at; parent
//     ids on child resources (application.candidate_id, job_id, ...),
//     child ids not on parents; priorities are named sort_order.
//   - docs/write-endpoint-migration-guide: v1 move and advance both map to
//     POST /v3/applications/{id}/move (to_stage_id, to_job_id); rejection
//     details are their own resource (PATCH /v3/rejection_details/{id}),
//     listed by GET /v3/rejection_details?application_ids=...
//   - reference post_v3-applications-id-reject: body rejection_reason_id
//     (required), notes, rejection_email, custom_fields; answers 204.
//   - READ migration guide: the v1 activity feed is GET /v3/notes.
//
// Inferred for v3 (the pages could not be read; check against a real
// account): the rate-limit guide (docs/api-rate-limiting) was not found,
// so DefaultRateLimitV3 keeps v1's 50 requests per rolling 10 s and the
// limiter follows X-RateLimit-* / RateLimit-* headers and 429 +
// Retry-After if v3 sends them (one third-party page claims a 30 s
// window); that list bodies are JSON arrays and errors keep v1's
// {"message","errors":[...]} shape (OAuth-style {"error",
// "error_description"} is also read); the field names application.stage_id,
// status, prospect, updated_at, rejection_detail.rejection_reason_id,
// job_interview_stage.sort_order/active and the job post fields (content,
// questions[], live, external, job_id) on GET /v3/job_posts without
// full_content; the write routes and bodies POST /v3/notes {candidate_id,
// body, visibility} (author = sub), POST /v3/attachments {application_id,
// filename, type, content + content_type | url}, POST /v3/candidate_tags
// {name} (refused with 422 when the name exists) and POST
// /v3/applied_candidate_tags {candidate_id, candidate_tag_id} (route
// named after the documented "applied candidate tags" scope); that a move
// needs no from_stage_id; that GET /v3/attachments filters by
// application_ids/candidate_ids; the token error codes (401 or 400
// invalid_client for bad credentials, 400 for an unknown sub). v3
// documents no deletion feed, so deletions are not reported; candidate
// tags are not read onto candidates in v3 (they live in a separate
// applied-tags resource that would cost a second pass).
//
// Greenhouse has no result-link write for customers (results reach
// Greenhouse only through the partner-only Assessment API), so
// AddResultLink is unsupported and the write-back job should add a note
// with the link instead.
//
// The client is built from an auth strategy (ats.Authenticator: Basic or
// the v3 token source) and a pager strategy (v1Pager, v3Pager) over one
// set of wire types and mappers, so both modes share the reads.
package greenhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "greenhouse"

// DefaultBaseURL is Harvest v3, the only Harvest version Greenhouse still
// serves (v1/v2 were switched off on 2026-08-31).
const DefaultBaseURL = "https://harvest.greenhouse.io/v3"

// V1BaseURL is the retired Harvest v1 root. A base URL whose path ends in
// /v1 selects v1 mode; only the built-in sandbox ATS still speaks it, and
// this one is refused with directions to v3.
const V1BaseURL = "https://harvest.greenhouse.io/v1"

// DefaultRateLimit is the documented v1 example budget (X-RateLimit-Limit:
// 50 per 10 s); the first response's header replaces the count.
var DefaultRateLimit = ats.RateLimit{Requests: 50, Per: 10 * time.Second}

// DefaultRateLimitV3 is the v3 starting budget. The v3 rate-limit guide
// (harvestdocs.greenhouse.io/docs/api-rate-limiting) could not be read, so
// this keeps v1's documented rolling 10 s window and example count, which
// the limiter corrects from the X-RateLimit-Limit/-Remaining (or IETF
// RateLimit-*) headers of the first response and from 429 + Retry-After.
var DefaultRateLimitV3 = ats.RateLimit{Requests: 50, Per: 10 * time.Second}

const (
	maxPerPage     = 500
	defaultPerPage = 500
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declaredV3)
	ats.RegisterInfo(Name, info)
}

// Client is a Greenhouse Harvest connector, in v3 mode (OAuth client
// credentials, cursor paging) or, for a base URL ending in /v1, the legacy
// v1 mode (Basic auth with an API key) the sandbox ATS emulates.
type Client struct {
	http    *ats.Client
	pager   pager
	cfg     ats.Config
	perPage int
	// v3 is the mode; tok is its token source (nil in v1 mode).
	v3  bool
	tok *ats.ClientCredentials
}

var _ ats.Connector = (*Client)(nil)

// isV1 reports whether base selects legacy Harvest v1: its path ends in
// "/v1". Everything else, an empty base URL included, is v3.
func isV1(base string) bool {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(base), "/"))
	return err == nil && strings.HasSuffix(u.Path, "/v1")
}

// v3Setup explains what a v3 connection needs; it ends every v3
// credential error because people arrive here with a dead v1 key.
const v3Setup = "Greenhouse switched off Harvest v1/v2 API keys on 2026-08-31; hireloop now uses Harvest v3. " +
	"In Greenhouse open Configure > Dev Center > API Credential Management > Create new API credentials, choose " +
	"\"Harvest V3 (OAuth)\", grant the scopes hireloop needs, and enter the Client ID, the Client secret and the " +
	"numeric Greenhouse user id hireloop acts as (sub)."

// New builds a client. In v3 mode IntegrationID (OAuth client id), APIKey
// (client secret) and ActingUserID (the user sent as sub) are required; in
// v1 mode only APIKey.
func New(cfg ats.Config) (*Client, error) {
	if isV1(cfg.BaseURL) {
		if isGreenhouseHost(cfg.BaseURL) {
			// Greenhouse's own v1 endpoint is gone; connections saved with
			// it (it was the console's default) would only see opaque
			// errors. Say what to change instead.
			return nil, ats.NotConfigured(Name, "new", "the base URL points at Harvest v1 ("+cfg.BaseURL+
				"); clear it to use Harvest v3. "+v3Setup)
		}
		return newV1(cfg)
	}
	return newV3(cfg)
}

// isGreenhouseHost reports whether base is on greenhouse.io.
func isGreenhouseHost(base string) bool {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "greenhouse.io" || strings.HasSuffix(h, ".greenhouse.io")
}

func newV1(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Harvest v1 API key is required")
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          cfg.BaseURL,
		Auth:             ats.BasicAuth{Username: cfg.APIKey},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	return &Client{http: hc, pager: v1Pager{}, cfg: cfg, perPage: ats.PageSize(cfg.PageSize, defaultPerPage, maxPerPage)}, nil
}

func newV3(cfg ats.Config) (*Client, error) {
	switch {
	case strings.TrimSpace(cfg.IntegrationID) == "":
		return nil, ats.NotConfigured(Name, "new", "the Harvest v3 client id is missing. "+v3Setup)
	case strings.TrimSpace(cfg.APIKey) == "":
		return nil, ats.NotConfigured(Name, "new", "the Harvest v3 client secret is missing. "+v3Setup)
	case strings.TrimSpace(cfg.ActingUserID) == "":
		return nil, ats.NotConfigured(Name, "new", "the Greenhouse user id hireloop acts as (sub) is missing. "+v3Setup)
	}
	if err := numericID("acting user", strings.TrimSpace(cfg.ActingUserID)); err != nil {
		return nil, ats.NotConfigured(Name, "new", "the acting user (sub) must be a numeric Greenhouse user id, e.g. from the user's page URL")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ats: %s: invalid base URL %q", Name, cfg.BaseURL)
	}
	tok := newTokenSource(tokenURLFor(u), cfg)
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             tok,
		DefaultRateLimit: DefaultRateLimitV3,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	return &Client{http: hc, pager: v3Pager{}, cfg: cfg, perPage: ats.PageSize(cfg.PageSize, defaultPerPage, maxPerPage),
		v3: true, tok: tok}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector. v3 token requests are not counted: they
// go to the separate auth host.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// V3 reports whether the client speaks Harvest v3.
func (c *Client) V3() bool { return c.v3 }

// TokenFetches is the number of v3 access tokens fetched (0 in v1 mode).
func (c *Client) TokenFetches() int64 {
	if c.tok == nil {
		return 0
	}
	return c.tok.Fetches()
}

const resultLinkReason = "Greenhouse only shows assessment results from approved Assessment Partners " +
	"(partner API, needs a Greenhouse partnership); hireloop adds the link as a candidate note instead."

// declaredV1 is the legacy v1 mode (sandbox).
var declaredV1 = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Reason: resultLinkReason},
		ats.ActionNote:       {Supported: true, Target: ats.TargetCandidate, Reason: "Greenhouse notes live on the candidate's activity feed."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportBase64},
		ats.ActionMoveStage:  {Supported: true, Target: ats.TargetApplication, Reason: "Only active applications can be moved."},
		ats.ActionReject:     {Supported: true, Target: ats.TargetApplication},
		ats.ActionAddTag:     {Supported: true, Target: ats.TargetCandidate},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-hex", SignatureHeader: "Signature", Setup: "ui"},
	Incremental: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelCandidates: true, ats.ModelApplications: true, ats.ModelStages: true,
	},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesPerJob,
	ActingUserRequired: true,
	DefaultRateLimit:   DefaultRateLimit,
}

// declaredV3 is what real Greenhouse connections get, and what the
// console shows: v1's, but files go on the application and a rejection
// needs a reason.
var declaredV3 = func() ats.Capabilities {
	c := declaredV1.Clone()
	c.Writes[ats.ActionAttachment] = ats.ActionSupport{Supported: true, Target: ats.TargetApplication, Transport: ats.TransportBase64,
		Reason: "Harvest v3 attaches files to an application."}
	c.Writes[ats.ActionReject] = ats.ActionSupport{Supported: true, Target: ats.TargetApplication,
		Reason: "Harvest v3 requires a rejection reason."}
	c.DefaultRateLimit = DefaultRateLimitV3
	return c
}()

// declared returns the capabilities of the client's mode.
func (c *Client) declared() ats.Capabilities {
	if c.v3 {
		return declaredV3
	}
	return declaredV1
}

// Capabilities implements ats.Connector. Greenhouse reports nothing at
// runtime; a key or OAuth credential lacking a permission surfaces as
// ErrForbidden on the call itself.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return c.declared().Clone(), nil
}

// Test checks the credentials against the read endpoints a sync needs
// (keys and v3 credentials have per-endpoint permissions) and, in v1 mode,
// that the acting user exists. In v3 mode the token request itself
// checks the acting user: Greenhouse issues no token for an unknown sub.
// Test always fetches a new token, so it checks the credentials as they
// are now rather than a cached token, and a refused call is reported, not
// repeated.
func (c *Client) Test(ctx context.Context) error {
	if c.v3 {
		c.tok.Invalidate()
		for _, p := range []string{"/jobs", "/candidates", "/applications"} {
			if _, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: p, Query: url.Values{"per_page": {"1"}}}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range []string{"/jobs", "/candidates", "/applications"} {
		var v []json.RawMessage
		if _, err := c.http.GetJSON(ctx, p, map[string][]string{"per_page": {"1"}, "skip_count": {"true"}}, &v); err != nil {
			return err
		}
	}
	if c.cfg.ActingUserID != "" {
		var u json.RawMessage
		if _, err := c.http.GetJSON(ctx, "/users/"+pathID(c.cfg.ActingUserID), nil, &u); err != nil {
			var e *ats.Error
			if errors.As(err, &e) && e.Status == http.StatusNotFound {
				return ats.NotConfigured(Name, "test", "acting user "+c.cfg.ActingUserID+" does not exist in Greenhouse")
			}
			return err
		}
	}
	return nil
}

// decodeError reads Greenhouse's {"message", "errors":[{"message","field"}]}
// (v1, and assumed for v3) and the OAuth-style {"error",
// "error_description"} a Bearer-protected v3 endpoint may answer with.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Errors           []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	msg := e.Message
	if msg == "" {
		msg = e.ErrorDescription
	}
	if msg == "" {
		msg = e.Error
	}
	var fields []ats.FieldError
	for _, fe := range e.Errors {
		fields = append(fields, ats.FieldError{Field: fe.Field, Message: fe.Message})
		part := fe.Message
		if fe.Field != "" {
			part = fe.Field + ": " + fe.Message
		}
		if msg == "" {
			msg = part
		} else {
			msg += "; " + part
		}
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusBadRequest {
		return &ats.InvalidInputError{VendorMessage: msg, Fields: fields}, "", msg, ""
	}
	return nil, "", msg, ""
}

func pathID(id string) string {
	return strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23").Replace(id)
}
