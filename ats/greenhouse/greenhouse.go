// Package greenhouse connects hireloop to Greenhouse Recruiting through
// Harvest API v3, the only Harvest Greenhouse still serves (v1/v2 were
// switched off on 2026-08-31), base https://harvest.greenhouse.io/v3,
// OAuth 2.0 client credentials. A base URL whose path ends in /v1 (a
// connection saved before v3) is refused with directions to v3.
//
// Config.IntegrationID is the OAuth client id, Config.APIKey the client
// secret and Config.ActingUserID the numeric Greenhouse user sent as sub,
// i.e. the user every call (and every write) is made as. The token
// endpoint is https://auth.greenhouse.io/token for *.greenhouse.io bases
// and <scheme>://<host>/token (the base URL's root, its path dropped) for
// any other host: a proxy, the test fake, the demo Sandbox ATS. Tokens
// are cached for the lifetime the token answer states (expires_in or
// expires_at, 1 h when it states none) and replaced a tenth of it before
// they expire; a 401 drops the token, and a read sent with a token cached
// from earlier is repeated once with a fresh one (v3.go).
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
//     "When you pass a cursor, it must be the only query parameter"; no
//     page parameter and no last link.
//   - API reference (get_v3-applications, get_v3-application-stages):
//     per_page 1-500, default 100; ids and parent-id filters take at most
//     50 ids; single records are read through ?ids=; job interview stages
//     are listed with GET /v3/job_interview_stages?job_ids=...
//   - docs/list-endpoints: every list filters on created_at and
//     updated_at with an operator prefix (updated_at=gte|<ISO 8601>).
//   - docs/standardizations: ISO 8601 UTC timestamps suffixed _at; parent
//     ids on child resources, child ids not on parents; priorities are
//     named sort_order.
//   - docs/write-endpoint-migration-guide: v1 move and advance both map to
//     POST /v3/applications/{id}/move; rejection details are their own
//     resource, listed by GET /v3/rejection_details?application_ids=...
//   - READ migration guide: the v1 activity feed is GET /v3/notes.
//   - v1 introduction, "Rate limiting" (assumed unchanged in v3): answers
//     carry X-RateLimit-Limit and X-RateLimit-Remaining; a 429 carries
//     X-RateLimit-Reset (a timestamp) and Retry-After (seconds). The 422
//     body is {"message","errors":[{"message","field"}]}.
//
// Inferred (Greenhouse's pages could not be read; sources named):
//   - Field renames from v1, reported by clients that probed live v3
//     accounts (Comradery64/open-greenhouse-mcp docs/harvest-v3-migration.md,
//     2026-09, citing the READ migration guide): application applied_at →
//     created_at; job departments[] → department_id and offices[] →
//     office_ids (names from GET /v3/departments and /v3/offices);
//     user primary_email_address → primary_email; candidates carry no
//     attachments, application ids or tags (GET /v3/attachments,
//     /v3/applied_candidate_tags).
//   - application.stage_id: sources disagree whether it is the job
//     interview stage or the application's current application_stages
//     row; job_interview_stage_id, when present, is read first, so both
//     readings land the application in the right stage. The stage and
//     rejection reason names are not on the application: hireloop's
//     applications view joins them from the synced stages and reasons.
//   - The token answer states the lifetime as expires_at (clients that
//     parse only it: conductorone/baton-greenhouse) or expires_in; both
//     are read, the earlier wins.
//   - The rate-limit guide (docs/api-rate-limiting) could not be read:
//     DefaultRateLimit keeps v1's 50 requests per 10 s, corrected by the
//     headers; third-party notes report a 30 s window, which the shared
//     limiter learns from the first 429's reset (ats.Limiter), so a longer
//     window costs one wait per window rather than one 429.
//   - Job posts (content, questions[], live, external, job_id) come from
//     GET /v3/job_posts without v1's full_content; list bodies are JSON
//     arrays; errors keep v1's shape (OAuth-style {"error",
//     "error_description"} is also read); the token error codes (401 or
//     400 invalid_client for bad credentials, 400 for an unknown sub).
//   - v3 documents no deletion feed, so deletions are not reported;
//     candidate tags are not read onto candidates (a second pass over
//     applied tags).
//
// # Writes
//
// Every write is made as the token's sub (no On-Behalf-Of header), with
// integer ids in JSON bodies. Per write, whether Greenhouse's own v3
// documentation confirms it:
//   - Move: POST /v3/applications/{id}/move {from_stage_id, to_stage_id}.
//     Confirmed: grnhse/greenhouse-api-docs source/swagger.md (the
//     published Harvest v3 OpenAPI, commit cb73210, 2023-01) lists both
//     as required; the WRITE migration guide maps v1 move and advance to
//     this route; Workato's "Move application (v3)" action takes both
//     (secondary). from_stage_id is the application's current job
//     interview stage: the caller's copy (hireloop's synced stage) or,
//     without one, read from GET /v3/applications?ids= first. The answer
//     to a from_stage_id that is not the current stage is inferred (a 422
//     naming from_stage_id; undocumented); on it the application is read
//     again: a move whose target is already the current stage is reported
//     done, one whose from_stage_id is the application's unchanged
//     stage_id row (a copy synced before job_interview_stage_id was read)
//     is sent once more from the stage, and any other is reported with
//     the stage Greenhouse has (a person moved it).
//   - Note: POST /v3/notes {candidate_id, body, note_type: "NOTE",
//     visibility}. Inferred: the route from the READ migration guide (GET
//     /v3/notes replaces the activity feed); note_type and visibility are
//     required and note_type is accepted only as upper-case "NOTE"
//     according to live calls reported in open-greenhouse-mcp's migration
//     notes (a second client sends the same body); the author is the
//     token's sub. Visibility defaults to public (admin_only, private,
//     public as in v1).
//   - Attachment: POST /v3/attachments {application_id, filename, type,
//     content (base64) + content_type | url}. Route confirmed by
//     shared/reference/ats-apis.md (citing harvestdocs) and Prismatic's v3
//     changelog (secondary: "v3 moves candidate attachments to a dedicated
//     resource"); the body fields are inferred from v1's attachment
//     reference.
//   - Reject: POST /v3/applications/{id}/reject {rejection_reason_id,
//     notes}, answered 204. Confirmed: reference
//     post_v3-applications-id-reject (rejection_reason_id required).
//   - Tag: POST /v3/candidate_tags {name} (refused with 422 when the name
//     exists, then looked up in GET /v3/candidate_tags) and POST
//     /v3/applied_candidate_tags {candidate_id, candidate_tag_id}.
//     Inferred: the routes from the documented scope names ("candidate
//     tags", "applied candidate tags"); candidate_tag_id (not tag or
//     tag_id) from live calls reported in open-greenhouse-mcp's notes.
//   - Result link: unsupported. Confirmed: Greenhouse shows assessment
//     results only through the partner-only Assessment API
//     (grnhse/greenhouse-api-docs source/includes/assessment), so the
//     write-back adds a note with the link instead.
//
// The test fake (fake) and the demo Sandbox ATS (ats/sandbox) both serve
// these rules through the shared server code in harvestv3, and refuse a
// write missing any field listed above with a 422.
package greenhouse

import (
	"context"
	"encoding/json"
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

// V1BaseURL is the retired Harvest v1 root; a base URL whose path ends in
// /v1 is refused with directions to v3.
const V1BaseURL = "https://harvest.greenhouse.io/v1"

// DefaultRateLimit is the starting budget. The v3 rate-limit guide
// (harvestdocs.greenhouse.io/docs/api-rate-limiting) could not be read, so
// this keeps v1's documented example (X-RateLimit-Limit: 50 per 10 s),
// which the limiter corrects from X-RateLimit-Limit/-Remaining and, for a
// longer window, from a 429's Retry-After and X-RateLimit-Reset.
var DefaultRateLimit = ats.RateLimit{Requests: 50, Per: 10 * time.Second}

const (
	maxPerPage     = 500
	defaultPerPage = 500
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Greenhouse Harvest v3 connector.
type Client struct {
	http    *ats.Client
	cfg     ats.Config
	perPage int
	tok     *ats.ClientCredentials
}

var _ ats.Connector = (*Client)(nil)

// isV1 reports whether base points at retired Harvest v1: its path ends
// in "/v1".
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

// New builds a client. IntegrationID (OAuth client id), APIKey (client
// secret) and ActingUserID (the user sent as sub) are required.
func New(cfg ats.Config) (*Client, error) {
	if isV1(cfg.BaseURL) {
		// Connections saved with a v1 base URL (the console's default
		// before v3) would only see opaque errors. Say what to change.
		return nil, ats.NotConfigured(Name, "new", "the base URL points at Harvest v1 ("+cfg.BaseURL+
			"); clear it to use Harvest v3. "+v3Setup)
	}
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
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	return &Client{http: hc, cfg: cfg, perPage: ats.PageSize(cfg.PageSize, defaultPerPage, maxPerPage), tok: tok}, nil
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

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector. Token requests are not counted: they go
// to the separate auth host.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// TokenFetches is the number of access tokens fetched.
func (c *Client) TokenFetches() int64 { return c.tok.Fetches() }

// RateLimit is the limiter's current budget (learned from the server's
// headers).
func (c *Client) RateLimit() ats.RateLimit { return c.http.Limiter().Limit() }

const resultLinkReason = "Greenhouse only shows assessment results from approved Assessment Partners " +
	"(partner API, needs a Greenhouse partnership); hireloop adds the link as a candidate note instead."

// declared is what Greenhouse connections get, and what the console shows.
var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Reason: resultLinkReason},
		ats.ActionNote:       {Supported: true, Target: ats.TargetCandidate, Reason: "Greenhouse notes live on the candidate's activity feed."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetApplication, Transport: ats.TransportBase64,
			Reason: "Harvest v3 attaches files to an application."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication, Reason: "Only active applications can be moved."},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Harvest v3 requires a rejection reason."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate},
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

// Capabilities implements ats.Connector. Greenhouse reports nothing at
// runtime; credentials lacking a scope surface as ErrForbidden on the call
// itself.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test checks the credentials against the read endpoints a sync needs (v3
// credentials have per-endpoint scopes). The token request itself checks
// the acting user: Greenhouse issues no token for an unknown sub. Test
// always fetches a new token, so it checks the credentials as they are
// now rather than a cached token, and a refused call is reported, not
// repeated.
func (c *Client) Test(ctx context.Context) error {
	c.tok.Invalidate()
	for _, p := range []string{"/jobs", "/candidates", "/applications"} {
		if _, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: p, Query: url.Values{"per_page": {"1"}}}); err != nil {
			return err
		}
	}
	return nil
}

// decodeError reads Greenhouse's {"message", "errors":[{"message","field"}]}
// and the OAuth-style {"error", "error_description"} a Bearer-protected
// endpoint may answer with.
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
