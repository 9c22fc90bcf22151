// Package recruitee connects hireloop to Recruitee (Tellent Recruitee)
// through its company JSON API, https://api.recruitee.com/c/{company_id}.
//
// Recruitee's model: an offer is a job (or a talent pool) with its own
// pipeline (offer.pipeline_template.stages[]), a candidate is a person, and
// a placement is one candidate in one offer; placements are the
// applications. Placements are only readable embedded in candidates, so
// candidates and applications both come from GET /candidates (each
// placement becomes one ats.Application). A disqualified placement is
// rejected, one with hired_at is hired. Stages are per offer
// (ats.StagesPerJob, Stage.JobID = offer id).
//
// Credentials: a personal API token (Authorization: Bearer) that acts with
// the rights of the user who created it, so there is no acting-user
// parameter (ActingUserRequired is false; writes are attributed to the
// token's owner). The company id is part of the base URL; it comes from
// Config.IntegrationID (the "company id" field of the connection) and
// replaces "{company_id}" in DefaultBaseURL or in a custom BaseURL.
//
// Confirmed (vendor pages, read 2026-11 through the search index):
//   - docs.recruitee.com/reference/authentication-1 and
//     support.recruitee.com/en/articles/8213076-faq-api: personal API
//     tokens under Settings > Apps and plugins > Personal API tokens carry
//     exactly the creating user's permissions, do not expire, and the
//     company id is shown on the same page;
//   - docs.recruitee.com/docs/webhooks: webhooks are configured in the UI
//     (Settings > Apps and Plugins > Webhooks), HTTPS only, the Test button
//     sends {"test":true} (User-Agent Recruitee-Webhooks), "Test payload"
//     buttons send example payloads with the test parameter, any status
//     other than 200 is a failed delivery and is retried; the UI needs a
//     200 on the test request to create the webhook.
//
// Secondary (◐: third-party clients that call the real API):
//   - base URL https://api.recruitee.com/c/{company_id}, Bearer token, list
//     envelopes {"offers":[…]}, {"candidates":[…]}, {"admins":[…]} and
//     single objects {"candidate":{…}}, {"offer":{…}}, limit/offset paging
//     (jdautomate/recruitee-mcp:src/recruitee_mcp/client.py,
//     pepuscz/recruitee-mcp-server:src/recruitee_mcp/server.py,
//     jnot807/recruitee-mcp:client.js, pier-digital/recruitee-ruby);
//   - candidate fields id, name, emails[], phones[], tags[], created_at,
//     updated_at, placements[{id, candidate_id, offer_id, stage_id,
//     created_at, updated_at, hired_at, disqualified_at,
//     disqualify_reason}] (rawwar/tap-recruitee:tap_recruitee/schemas/
//     candidates.py, jnot807/recruitee-mcp:client.js);
//   - offer fields id, title, kind (job|talent_pool), status, department,
//     location, city, created_at, updated_at, pipeline_template{stages[{id,
//     name, category, position}]} (rawwar/tap-recruitee schemas/offers.py),
//     description and requirements as HTML on GET /offers/{id} (a 3p test
//     in the index);
//   - note POST /candidates/{id}/notes {"note":{"body","visibility":
//     {"level":"public"}}} → {"note":{id}} and GET /candidates/{id}/notes →
//     {"notes":[{id, body}]}; upload POST /attachments multipart with
//     attachment[candidate_id] and the file in attachment[file] (a bare
//     "file" field is reported to fail) → {"attachment":{id, filename}},
//     GET /candidates/{id}/attachments (jnot807/recruitee-mcp:client.js);
//   - stage move PATCH /placements/{id}/change_stage with a stage_id
//     (jnot807 tries {"placement":{"stage_id"}} and {"stage_id"}; this
//     connector sends {"stage_id"} as the reference says);
//   - tags PATCH /bulk/candidates/tags {"candidates":[ids],"tags":[names]}
//     (a 3p Flask app in the index); candidate tags are names;
//   - error bodies {"errors":[{"code","message"}]} (jnot807) or
//     {"error": "..."};
//   - webhook signature X-Recruitee-Signature = hex(HMAC-SHA256(secret,
//     raw body)), event_type/event_subtype (candidate_moved /
//     stage_changed|disqualified|requalified), payload.details.from_stage /
//     to_stage {id, name, category} (several 3p receivers in the index).
//
// Inferred (❓, check in a sandbox): PATCH /placements/{id}/disqualify
// {"disqualify_reason_id"} and its {"placement":{…}} answer; GET
// /disqualify_reasons → {"disqualify_reasons":[{id,name}]}; GET /tags →
// {"tags":[{id,name}]}; admin fields first_name/last_name/email; the offer
// open_questions[{id, body, kind, required, open_question_options[{id,
// body}]}] screening questions and their kind names; that stage ids are
// unique per offer; the page-size ceiling (100 is used); the webhook
// envelope's top-level id (used as the dedupe id) and payload.placement /
// payload.candidate / payload.offer objects; the rate limit (none is
// published: about 100 requests a minute, as 10 per 6 s, is assumed; no
// rate-limit headers are known, a 429's Retry-After is honoured).
//
// Not used: GET /search/new/candidates with
// filters=[{"field":"updated_at","gte":<unix>}] exists (reference ✅) but
// its response shape and filter semantics are unconfirmed (one 3p client
// reports the endpoint ignores its query parameters), and it is unknown
// whether a placement's stage change bumps the candidate's updated_at. No
// model is declared incremental: every sync is a full scan and the sync
// engine detects changes.
//
// Webhook test pings: Recruitee sends the Test request while the webhook
// is being created, before its secret can be copied into hireloop, and
// webhook creation fails unless that request gets a 200. WebhookHandshake
// (ats.WebhookHandshaker) therefore answers a delivery whose JSON has
// "test": true and which carries no X-Recruitee-Signature header, before
// verification and without using any of its data; VerifyWebhook itself
// accepts only signed deliveries. A test delivery that does carry a
// signature is verified like any other and parsed as a ping.
package recruitee

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
const Name = "recruitee"

// APIRoot is Recruitee's API host.
const APIRoot = "https://api.recruitee.com"

// DefaultBaseURL is the company API root; {company_id} is replaced by
// Config.IntegrationID.
const DefaultBaseURL = APIRoot + "/c/{company_id}"

// DefaultRateLimit is an assumed budget: Recruitee publishes none. It is
// about 100 requests a minute, spread as 10 per 6 s so that no burst goes
// beyond what an unpublished per-second limit might allow; a 429's
// Retry-After pauses every request of the connection.
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: 6 * time.Second}

const (
	// MaxPageSize is the largest limit this connector asks for.
	MaxPageSize     = 100
	defaultPageSize = 100
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Recruitee connector for one company.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int
}

var _ ats.Connector = (*Client)(nil)

// New builds a client. APIKey (the personal API token) and the company id
// (IntegrationID, or already in BaseURL) are required.
func New(cfg ats.Config) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, ats.NotConfigured(Name, "new", "a Recruitee personal API token is required")
	}
	base, err := companyBaseURL(cfg.BaseURL, cfg.IntegrationID)
	if err != nil {
		return nil, err
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BearerAuth{Token: strings.TrimSpace(cfg.APIKey)},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, defaultPageSize, MaxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps}, nil
}

// companyBaseURL puts the company id into the base URL: it replaces
// "{company_id}" (DefaultBaseURL or a custom base with the placeholder) or,
// for a custom base without "/c/" (a proxy root), appends "/c/<id>". A base
// that already has "/c/<id>" is used as is.
func companyBaseURL(base, companyID string) (string, error) {
	id := strings.TrimSpace(companyID)
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimRight(base, "/")
	switch {
	case strings.Contains(base, "{company_id}"):
		if id == "" {
			return "", ats.NotConfigured(Name, "new",
				"a Recruitee company id is required (Settings > Apps and plugins > Personal API tokens shows it)")
		}
		return strings.ReplaceAll(base, "{company_id}", url.PathEscape(id)), nil
	case strings.Contains(base, "/c/"):
		return base, nil
	case id != "":
		return base + "/c/" + url.PathEscape(id), nil
	}
	return "", ats.NotConfigured(Name, "new", "a Recruitee company id is required")
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Recruitee has no link field for integrations; the link (with its label and attributes) is written as a candidate note."},
		ats.ActionNote: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Recruitee notes live on the candidate, are visible to the hiring team and are attributed to the API token's owner."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportMultipart,
			Reason: "The file is attached to the candidate, not to one job."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication,
			Reason: "Moves the placement within its job's own pipeline."},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Disqualifies the placement; a disqualify reason is required."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Recruitee tags are names on the candidate; an unknown name creates the tag."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-hex",
		SignatureHeader: "X-Recruitee-Signature", Setup: "ui"},
	Incremental:        map[ats.Model]bool{},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesPerJob,
	ActingUserRequired: false,
	DefaultRateLimit:   DefaultRateLimit,
}

// Capabilities implements ats.Connector. Recruitee reports nothing at
// runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test checks the token and company id against the read endpoints a sync
// needs (offers, candidates, admins).
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{"/offers", "/candidates", "/admins"} {
		if _, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: p, Query: url.Values{"limit": {"1"}}}); err != nil {
			return err
		}
	}
	return nil
}

// decodeError reads Recruitee's error bodies: {"errors":[{"code",
// "message"}]}, {"errors":{"field":["msg"]}}, {"error":"msg"} or
// {"message":"msg"}.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Errors  json.RawMessage `json:"errors"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	var msgs []string
	var fields []ats.FieldError
	code := ""
	if len(e.Errors) > 0 {
		var list []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		}
		var byField map[string]json.RawMessage
		switch {
		case json.Unmarshal(e.Errors, &list) == nil:
			for _, x := range list {
				if code == "" {
					code = x.Code
				}
				m := x.Message
				if m == "" {
					m = x.Code
				}
				if m != "" {
					msgs = append(msgs, m)
				}
				if x.Field != "" {
					fields = append(fields, ats.FieldError{Field: x.Field, Message: m})
				}
			}
		case json.Unmarshal(e.Errors, &byField) == nil:
			for f, raw := range byField {
				var ss []string
				if json.Unmarshal(raw, &ss) != nil {
					var s string
					_ = json.Unmarshal(raw, &s)
					ss = []string{s}
				}
				for _, s := range ss {
					fields = append(fields, ats.FieldError{Field: f, Message: s})
					msgs = append(msgs, f+" "+s)
				}
			}
		}
	}
	if len(e.Error) > 0 {
		var s string
		if json.Unmarshal(e.Error, &s) == nil && s != "" {
			msgs = append(msgs, s)
		} else if n := ats.FlexName(e.Error); n != "" {
			msgs = append(msgs, n)
		}
	}
	if e.Message != "" {
		msgs = append(msgs, e.Message)
	}
	msg := strings.Join(msgs, "; ")
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity {
		return &ats.InvalidInputError{VendorMessage: msg, Fields: fields}, code, msg, ""
	}
	return nil, code, msg, ""
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string { return url.PathEscape(id) }

// idValue renders a Recruitee id for a JSON body: a number when it is one
// (Recruitee ids are integers), the string otherwise.
func idValue(id string) any {
	id = strings.TrimSpace(id)
	if id == "" {
		return id
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return id
		}
	}
	return json.Number(id)
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, fmt.Sprintf("%s id is required", what))
	}
	return nil
}
