// Package teamtailor connects hireloop to Teamtailor through its public
// JSON:API (https://docs.teamtailor.com, EU stack https://api.teamtailor.com/v1,
// NA stack https://api.na.teamtailor.com/v1, AU stack
// https://api.au.teamtailor.com/v1; pick the stack with Config.BaseURL).
//
// Teamtailor speaks JSON:API: every response is {data, included, links,
// meta} with dasherized attribute names, relationships carry resource
// linkage ({data:{id,type}}) only for relations named in ?include=, and
// writes send {data:{type, id, attributes, relationships}} with Content-Type
// application/vnd.api+json. Candidates and job applications are separate
// resources; stages belong to one job each (Stage.JobID is set); reject
// reasons are account-wide. Teamtailor has no tags endpoint: candidate tags
// are a string array attribute, so ListTags aggregates the distinct names
// over all candidates and AddTag rewrites the whole array.
//
// Facts and where they come from (search index read 2026-11):
//
// Confirmed from Teamtailor's own documentation sources
// (Teamtailor/docs:source/includes/*, the Slate source of docs.teamtailor.com,
// and Teamtailor/tt-partner-docs:source/includes/company_webhooks/*):
//   - auth header "Authorization: Token token=<key>" and the required
//     X-Api-Version header (_auth.md.erb, _versioning.md.erb); the Postman
//     collection (documenter.gw.postman.com/view/metadata/TVzSiGxA) names the
//     EU and NA hosts;
//   - paging page[size] (default 10, max 30) and page[number], links.next,
//     meta.record-count / meta.page-count (_pagination.md.erb);
//   - rate-limit headers X-Rate-Limit-Limit/-Remaining/-Reset, Reset being
//     "seconds left in the current period" (_rate_limit.md), no published
//     numbers;
//   - job attributes title, body (HTML), status (open, draft, archived,
//     unlisted, temp), human-status, tags; relations questions and stages
//     (jobs/_index.md.erb);
//   - stages: name, stage-type Inbox | In process | Hired, each job has its
//     own (stages/_index.md.erb, list example sorted by row_order);
//   - candidate attributes first-name, last-name, email, phone, tags,
//     created-at, updated-at (candidates/*, recorded in testdata/);
//   - job application attributes created-at, updated-at, rejected-at,
//     changed-stage-at and relations candidate, job, stage, reject-reason
//     (job_applications/*, testdata/job-applications.json); PATCH
//     /job-applications/{id} changes "attributes/relationships";
//   - reject reasons {reason, rejected-by-company}; users {name, email};
//     questions {title, question-type, alternatives, multiple};
//   - note POST /notes {data:{type:"notes", attributes:{note},
//     relationships:{candidate, user}}} (notes/_create.md.erb; its http
//     example says /v1/note, the resource and list are "notes"); note rows
//     carry candidate-id (notes/_index.md.erb);
//   - upload POST /uploads {attributes:{url, file-name},
//     relationships:{candidate}}: "a public url is required" — Teamtailor
//     fetches the file itself (uploads/_create.md.erb);
//   - PATCH /candidates/{id} updates attributes (candidates/_update.md.erb);
//   - company webhooks: set up in the Teamtailor UI (Settings > Integrations
//     > Webhooks), body {payload:{event_name, data:{id,type,attributes}},
//     signature}, events candidate|job|job_application . create|update|destroy,
//     header TT-Signature; v2 signature = base64("t=<unix>,v2=<hex
//     HMAC-SHA256(key, t + "." + payload)>"), v1 (deprecated) signs only
//     payload.data.id (_signatures.md.erb, _payloads.md.erb, _event_types.md.erb).
//
// Secondary (third-party code and guides, not Teamtailor's own pages):
// X-Api-Version 20240404 as a current version (getknit.dev Teamtailor guide;
// the docs repo snapshot only shows 20161108/20201113); filter[updated-at][from]
// on /candidates and /job-applications (several open-source Teamtailor
// syncs found by code search); the AU host.
//
// Included resources are decoded only for the stage name/type and the
// reject reason text; candidate and job linkage comes from the
// relationships of each job application.
//
// Inferred (check in a sandbox): the default budget of 50 requests per 10 s
// (DefaultRateLimit; the docs publish no numbers and in 2021 said the headers
// were static); 429 carrying Retry-After; JSON:API error bodies
// {errors:[{status,title,detail,source{pointer}}]}; /jobs?filter[status]=all
// returning every status; sort=row_order and a row-order attribute on
// stages; include=candidate,job,stage,reject-reason on job applications;
// relationships.stage / relationships.reject-reason + attributes.rejected-at
// being writable on PATCH /job-applications/{id}; the candidate tags array
// being writable; GET /notes?filter[candidate]=<id> (HasWrite also checks
// each note's candidate-id, so an ignored filter costs time, not
// correctness); the webhook HMAC input being the payload's bytes as sent
// (the docs' JavaScript re-serializes the parsed payload, which for compact
// JSON is the same bytes; the raw body is also accepted); a 5-minute
// timestamp tolerance (ours, the docs set none); Teamtailor sends no
// delivery id and does not retry, so the dedupe id is a digest of the
// payload and the scheduled sync covers missed events.
//
// The result link is written as a candidate note: Teamtailor's own result
// surface is the Partner API (POST /partner/v1/partner-results), which needs
// a partner key issued by Teamtailor that a customer API key cannot replace.
//
// The shared limiter reads Teamtailor's X-Rate-Limit-Remaining and -Reset.
// X-Rate-Limit-Limit is dropped from responses before the limiter sees it
// (staticLimit): the docs call the values static, and a static number must
// not resize the budget.
package teamtailor

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "teamtailor"

// DefaultBaseURL is the EU stack; NA is https://api.na.teamtailor.com/v1,
// AU https://api.au.teamtailor.com/v1.
const DefaultBaseURL = "https://api.teamtailor.com/v1"

// APIVersion is sent as X-Api-Version (required by Teamtailor).
const APIVersion = "20240404"

// DefaultRateLimit is a conservative budget (50 requests per 10 s); the
// docs publish no numbers. Config.RateLimit overrides it.
var DefaultRateLimit = ats.RateLimit{Requests: 50, Per: 10 * time.Second}

// MaxPageSize is the documented page[size] maximum.
const MaxPageSize = 30

// MediaType is the JSON:API media type used for write bodies.
const MediaType = "application/vnd.api+json"

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Teamtailor connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int
	now      func() time.Time
}

var _ ats.Connector = (*Client)(nil)

// tokenAuth sends "Authorization: Token token=<key>".
type tokenAuth struct{ key string }

func (a tokenAuth) Authenticate(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", "Token token="+a.key)
	return nil
}

// staticLimit removes X-Rate-Limit-Limit from responses (see the package
// doc); Remaining and Reset reach the shared limiter.
type staticLimit struct{ rt http.RoundTripper }

func (h staticLimit) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.rt.RoundTrip(r)
	if resp != nil {
		resp.Header.Del("X-Rate-Limit-Limit")
	}
	return resp, err
}

// New builds a client. APIKey is required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Teamtailor API key is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hcfg := cfg
	rt := cfg.HTTP.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hcfg.HTTP.Transport = staticLimit{rt: rt}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             tokenAuth{key: cfg.APIKey},
		Header:           http.Header{"X-Api-Version": {APIVersion}},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           hcfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, MaxPageSize, MaxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps, now: time.Now}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Written as a candidate note with the link and attributes: Teamtailor's result cards need the Partner API and a partner key."},
		ats.ActionNote: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Teamtailor notes belong to the candidate and are attributed to the acting user."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportURLPull,
			Reason: "Teamtailor downloads the file from a public URL, so hireloop must be reachable from the internet (signed result link)."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Sets rejected-at and the reject reason on the job application; a rejection note goes on the candidate."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Tags are a list on the candidate: hireloop reads it and writes it back with the new tag, so a tag added in Teamtailor at the same moment can be lost."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "base64(t=<unix>,v2=hex-hmac-sha256(t.payload))",
		SignatureHeader: "TT-Signature", Setup: "ui"},
	Incremental:        map[ats.Model]bool{ats.ModelCandidates: true, ats.ModelApplications: true},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesPerJob,
	ActingUserRequired: true,
	DefaultRateLimit:   DefaultRateLimit,
}

// Capabilities implements ats.Connector. Teamtailor reports nothing at runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test reads one row of jobs, candidates and job applications (the last two
// need an Admin key) and checks that the acting user exists.
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{"/jobs", "/candidates", "/job-applications"} {
		_, err := c.http.GetJSON(ctx, p, url.Values{"page[size]": {"1"}}, &document{})
		if errors.Is(err, ats.ErrForbidden) {
			return &ats.Error{Provider: Name, Op: "GET " + p, Status: http.StatusForbidden, Err: ats.ErrForbidden,
				Message: "the Teamtailor API key needs the Admin scope (read/write) to read candidates and job applications and to write"}
		}
		if err != nil {
			return err
		}
	}
	if c.cfg.ActingUserID != "" {
		_, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/users/" + url.PathEscape(c.cfg.ActingUserID), OpName: "/users/{id}"})
		if errors.Is(err, ats.ErrNotFound) {
			return ats.NotConfigured(Name, "test", "acting user "+c.cfg.ActingUserID+" does not exist in Teamtailor")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeError reads JSON:API error bodies {errors:[{status, code, title,
// detail, source:{pointer}}]} and, on 429 without Retry-After, takes the
// wait from X-Rate-Limit-Reset (seconds left in the period).
func decodeError(status int, h http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Errors []struct {
			Code   string `json:"code"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Source struct {
				Pointer string `json:"pointer"`
			} `json:"source"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(body, &e)
	var msgs []string
	var fields []ats.FieldError
	code := ""
	for _, x := range e.Errors {
		m := x.Detail
		if m == "" {
			m = x.Title
		}
		if m != "" {
			msgs = append(msgs, m)
		}
		if code == "" {
			code = x.Code
		}
		if p := x.Source.Pointer; p != "" {
			fields = append(fields, ats.FieldError{Field: p[strings.LastIndex(p, "/")+1:], Message: m})
		}
	}
	msg := strings.Join(msgs, "; ")
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict:
		if msg == "" && len(e.Errors) == 0 {
			return nil, "", "", ""
		}
		return &ats.InvalidInputError{VendorMessage: msg, Fields: fields}, code, msg, ""
	case http.StatusTooManyRequests:
		if h.Get("Retry-After") == "" {
			if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Rate-Limit-Reset"))); err == nil && n > 0 && n < 3600 {
				return &ats.RateLimitedError{RetryAfter: time.Duration(n) * time.Second}, code, msg, ""
			}
		}
	}
	return nil, code, msg, ""
}
