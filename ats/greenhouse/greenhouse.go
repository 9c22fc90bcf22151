// Package greenhouse connects hireloop to Greenhouse Recruiting through the
// Harvest API v1 (https://developers.greenhouse.io/harvest.html; source:
// github.com/grnhse/greenhouse-api-docs, source/includes/harvest/*.md).
//
// Facts confirmed in the official docs (grnhse/greenhouse-api-docs, read
// 2026 via the search index; harvest/_introduction.md, _tags.md,
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
//     a ping on save, 6–7 retries over ~15 h.
//
// Confirmed only through the reference (official docs, not re-read here):
// note POST /v1/candidates/{id}/activity_feed/notes {user_id, body,
// visibility}; attachment POST /v1/candidates/{id}/attachments {filename,
// type, content (base64) | url, content_type}; move POST
// /v1/applications/{id}/move {from_stage_id, to_stage_id}; reject POST
// /v1/applications/{id}/reject {rejection_reason_id, notes}.
//
// Inferred (check in a sandbox): the exact 401/403/404 message bodies
// ({"message": ...}); the users object fields (name, primary_email_address);
// job posts via GET /v1/job_posts?full_content=true carrying job_id,
// content and questions[] like the single-post sample; that On-Behalf-Of
// must be a numeric user id; the error status for a missing On-Behalf-Of.
//
// Greenhouse has no result-link write for customers (results reach
// Greenhouse only through the partner-only Assessment API), so
// AddResultLink is unsupported and the write-back job should add a note
// with the link instead.
//
// Harvest v1/v2 are reported to be retired after 2026-08-31 in favour of
// v3 (OAuth client credentials, cursor in Link rel="next"). The client is
// built from an auth strategy (ats.Authenticator) and a pager strategy
// (pager below) so v3 can be added as a second mode without a rewrite.
package greenhouse

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "greenhouse"

// DefaultBaseURL is Harvest v1.
const DefaultBaseURL = "https://harvest.greenhouse.io/v1"

// DefaultRateLimit is the documented example budget (X-RateLimit-Limit: 50
// per 10 s); the first response's header replaces the count.
var DefaultRateLimit = ats.RateLimit{Requests: 50, Per: 10 * time.Second}

const (
	maxPerPage     = 500
	defaultPerPage = 500
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
}

// Client is a Greenhouse Harvest v1 connector.
type Client struct {
	http    *ats.Client
	pager   pager
	cfg     ats.Config
	perPage int
}

var _ ats.Connector = (*Client)(nil)

// New builds a client. APIKey is required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Harvest API key is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BasicAuth{Username: cfg.APIKey},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	pp := cfg.PageSize
	if pp <= 0 {
		pp = defaultPerPage
	}
	if pp > maxPerPage {
		pp = maxPerPage
	}
	return &Client{http: hc, pager: v1Pager{}, cfg: cfg, perPage: pp}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Reason: "Greenhouse only shows assessment results from approved Assessment Partners " +
			"(partner API, needs a Greenhouse partnership); hireloop adds the link as a candidate note instead."},
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

// Capabilities implements ats.Connector. Greenhouse reports nothing at
// runtime; an API key lacking a write permission surfaces as ErrForbidden
// on the write itself.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test checks the key against the read endpoints a sync needs (keys have
// per-endpoint permissions) and that the acting user exists.
func (c *Client) Test(ctx context.Context) error {
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

// decodeError reads Greenhouse's {"message", "errors":[{"message","field"}]}.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	msg := e.Message
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
