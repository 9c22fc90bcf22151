// Package workable connects hireloop to Workable through the SPI v3 API
// (https://workable.readme.io/reference).
//
// Id mapping. A Workable "candidate" is one person in one job: the same
// person applying to two jobs is two Workable candidates with two ids, and
// Workable links them nowhere in the API. This connector therefore maps
// every Workable candidate to one ats.Candidate AND one ats.Application
// that share the Workable candidate id (Application.CandidateID ==
// Application.ID). Writes aimed at either target land on the same Workable
// candidate. Jobs are identified by their shortcode (the id every job
// endpoint takes; the job's internal "id" stays in Raw). Stages are per job
// and identified as "<shortcode>/<slug>"; the slug is what
// POST /candidates/{id}/move takes, so MoveToStage needs no look-up.
//
// Facts and where they come from (read 2026-11):
//
// Confirmed from Workable's own reference (workable.readme.io, pages
// "rate-limits", "webhooks", "webhook-subscriptions-candidates-employees",
// "candidate-events"): account tokens get 10 requests per 10 s (OAuth and
// partner tokens 50); every response carries X-Rate-Limit-Limit,
// X-Rate-Limit-Remaining and X-Rate-Limit-Reset ("timestamp of next
// interval"); over the limit is HTTP 429. Webhooks are registered through
// the subscriptions endpoint for the events candidate_created and
// candidate_moved, deliver a candidate object (like the candidate details
// endpoint, wrapped in "data") reflecting the state at delivery time, are
// replayed until answered 200, and are signed with HMAC-SHA256 of the
// payload keyed with the account token (or the OAuth app secret), sent in
// X-Workable-Signature.
//
// Confirmed by recorded real responses (testdata/, NangoHQ
// integration-templates @ 3196dff2, sandbox account): the candidate
// details shape {candidate:{id, firstname, lastname, email, phone, job
// {shortcode,title}, stage (a stage NAME), stage_kind, disqualified,
// disqualification_reason, disqualified_at, hired_at, tags[], answers[],
// created_at, updated_at}} and the job shape {id, shortcode, title, state,
// department, location{…}, full_description (HTML), created_at,
// updated_at}.
//
// Secondary (Nango's integration-templates:integrations/workable action
// code, which cites the readme page of each route; not re-read at
// Workable): GET /candidates and /jobs take limit (≤ 100), since_id,
// updated_after and answer {candidates|jobs:[…], paging:{next: full URL}};
// the list candidate omits tags, answers and disqualified_at; /jobs takes
// include_fields=description,full_description,requirements,benefits;
// GET /jobs/{shortcode}/stages → {stages:[{id,identifier,slug,name,kind,
// position}]}; GET /jobs/{shortcode}/questions → {questions:[{id, body,
// type, required, single_answer, choices[{id,body}]}]}; GET /members →
// {members:[{id,name,email,…}]}; GET /disqualification_reasons → a bare
// array [{id, description, candidate_withdrew, position}]; POST
// /candidates/{id}/comments {member_id, comment{body, attachment{name,
// data(base64)}}} → {id}; POST /candidates/{id}/move {member_id,
// target_stage:<slug>}; POST /candidates/{id}/disqualify {member_id,
// disqualify_reason_id, disqualify_note ≤ 256 chars}; PUT
// /candidates/{id}/tags {tags:[…]} replaces the whole set (also stated by
// withone.ai's Workable notes, which give the 202 {tags} answer and the
// {"error": "..."} error body); GET /candidates/{id}/activities
// (?actions=comment) → {activities:[{id, action, body, member, …}],
// paging}; POST /subscriptions {target, event, args{account_id
// (subdomain), job_shortcode?, stage_slug?}} → {id: number}; DELETE
// /subscriptions/{id}. Tag normalization (lowercased, cut at whitespace,
// under 25 characters) is from Knit's connector notes
// (developers.getknit.dev).
//
// Inferred (❓, check in a sandbox): that list pages are ordered by id so
// paging.next never repeats rows; that a candidate's "stage" equals the
// "name" of one of its job's stages (applications are mapped to a stage by
// that name); that a delivery's optional top-level "id" is stable across
// replays (it is the dedupe id; without it the body digest is used); the
// signature's encoding (the docs do not say; third-party receivers compare
// lowercase hex, and VerifyWebhook accepts hex or base64).
//
// Rate limiting: the shared limiter reads Workable's X-Rate-Limit-*
// headers (counting Remaining as of the request's arrival), and
// decodeError turns a 429's X-Rate-Limit-Reset into the retry hint
// (Workable documents no Retry-After).
//
// Not available, declared as such: Workable has no account-wide tag list
// and returns candidate tags only on the details endpoint (one request per
// candidate, 10 requests per 10 s), so ListTags returns nothing and
// Candidate.Tags is empty; screening answers are likewise details-only
// and not synced; deleted candidates are not listed (no deletions). There
// is no result-link object: the result link is written as a comment
// carrying the label, URL and attributes (the ratings route needs a grade
// on a fixed scale and is not a link). Files can only be attached to a
// comment, so AddAttachment posts a comment with the file base64-encoded.
package workable

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "workable"

// DefaultBaseURL is a placeholder: Workable's API lives on each account's
// subdomain, https://{subdomain}.workable.com/spi/v3, which the connection
// must give as its base URL.
const DefaultBaseURL = "https://{subdomain}.workable.com/spi/v3"

// DefaultRateLimit is Workable's budget for account tokens: 10 requests
// per 10 seconds (OAuth and partner tokens get 50; set Config.RateLimit or
// let X-Rate-Limit-Limit raise it).
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: 10 * time.Second}

const (
	maxPageSize     = 100
	defaultPageSize = 100
	// maxDisqualifyNote is the documented limit of disqualify_note.
	maxDisqualifyNote = 256
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Workable SPI v3 connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int
}

var (
	_ ats.Connector        = (*Client)(nil)
	_ ats.WebhookRegistrar = (*Client)(nil)
	_ ats.WriteChecker     = (*Client)(nil)
)

// New builds a client. APIKey (the account access token) and BaseURL
// (https://{subdomain}.workable.com/spi/v3) are required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Workable access token is required")
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" || strings.Contains(base, "{subdomain}") {
		return nil, ats.NotConfigured(Name, "new",
			"the Workable API URL is required: https://<your subdomain>.workable.com/spi/v3")
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BearerAuth{Token: cfg.APIKey},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, defaultPageSize, maxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetApplication,
			Reason: "Workable has no link object: the result link is added as a comment on the candidate's timeline with the label, URL and attributes."},
		ats.ActionNote: {Supported: true, Target: ats.TargetApplication,
			Reason: "Added as a comment on the Workable candidate (one person in one job); visibility settings are not applied."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetApplication, Transport: ats.TransportBase64,
			Reason: "Workable accepts files only as the attachment of a comment, so the file is posted as a comment with one attachment."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Rejecting disqualifies the candidate with a disqualification reason; a note over 256 characters is added as a separate comment."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Workable replaces a candidate's whole tag set, so hireloop reads the tags and writes them back with the new one. Workable lowercases tags, keeps them under 25 characters and allows no spaces."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-hex-or-base64(body), keyed with the account token",
		SignatureHeader: "X-Workable-Signature", Setup: "api"},
	Incremental: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelCandidates: true, ats.ModelApplications: true,
	},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesPerJob,
	ActingUserRequired: true,
	DefaultRateLimit:   DefaultRateLimit,
}

// Capabilities implements ats.Connector. Workable reports nothing at runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test checks the token against the read endpoints a sync needs and that
// the acting member exists.
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{"/jobs", "/candidates"} {
		if _, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: p, Query: url.Values{"limit": {"1"}}}); err != nil {
			return err
		}
	}
	if c.cfg.ActingUserID == "" {
		return nil
	}
	found := false
	err := c.eachPage(ctx, "/members", url.Values{"status": {"all"}}, "members", func(rows []json.RawMessage) error {
		for _, r := range rows {
			var m struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(r, &m) == nil && m.ID == c.cfg.ActingUserID {
				found = true
				return errStop
			}
		}
		return nil
	})
	if err != nil && err != errStop {
		return err
	}
	if !found {
		return ats.NotConfigured(Name, "test", "acting member "+c.cfg.ActingUserID+" is not a member of this Workable account")
	}
	return nil
}

// decodeError reads Workable's {"error": "..."} body (a "message" or
// "validation_errors" are read too when present) and, on 429, turns
// X-Rate-Limit-Reset into the retry hint.
func decodeError(status int, h http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Error            json.RawMessage `json:"error"`
		Message          string          `json:"message"`
		ValidationErrors map[string]any  `json:"validation_errors"`
	}
	msg := ""
	if json.Unmarshal(body, &e) == nil {
		msg = ats.FlexName(e.Error)
		if msg == "" {
			msg = e.Message
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		d, _ := retryAfter(h, time.Now())
		return &ats.RateLimitedError{RetryAfter: d}, "", msg, ""
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict:
		iie := &ats.InvalidInputError{VendorMessage: msg}
		for k, v := range e.ValidationErrors {
			iie.Fields = append(iie.Fields, ats.FieldError{Field: k, Message: strings.Trim(strings.TrimSpace(toText(v)), "[]")})
		}
		return iie, "", msg, ""
	}
	return nil, "", msg, ""
}

func toText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string { return url.PathEscape(id) }

// errStop ends paging early without an error.
var errStop = stopErr{}

type stopErr struct{}

func (stopErr) Error() string { return "stop" }
