// Package personio connects hireloop to Personio Recruiting through the
// public API v2 (https://developer.personio.de, "Recruiting" section).
//
// Personio's recruiting API is read-only. hireloop syncs jobs, candidates,
// applications and the recruiting phases (stages) an account uses; every
// write-back action is declared unsupported with a reason, and the write
// methods return ats.ErrUnsupported without sending a request. Personio's
// webhooks cover Person (employee) events only, so recruiting data is
// polled.
//
// # Credentials
//
// Personio issues API credentials as a client id and a client secret
// (Settings > Integrations > API credentials, scope personio:recruiting:read).
// ats.Config.IntegrationID carries the client id and ats.Config.APIKey the
// client secret. The connector exchanges them for a bearer access token at
// POST /v2/auth/token (OAuth 2.0 client credentials, form-encoded), caches
// the token and fetches a new one shortly before it expires (expires_in,
// 24 h by default) or after the API answered 401. The token request goes
// through a small dedicated HTTP call (ats.ClientCredentials) rather than the shared
// client, because Personio limits the token endpoint separately and because
// the shared client's Authenticate hook cannot report a transient token
// failure as transient; the secret is only ever sent in the form body and
// never appears in errors or logs.
//
// # Model mapping
//
//   - Jobs: GET /v2/recruiting/jobs. Personio v2 jobs carry a name,
//     department, category and hiring team but no description, status or
//     application form, so DescriptionText is empty unless a description
//     field is present, Status is "unknown" unless a status field is
//     present, and ScreeningQuestions are never set.
//   - Stages: Personio has no stages list. Recruiting phases are configured
//     account-wide and each recruiting category (GET
//     /v2/recruiting/categories, which lists job categories, not stages)
//     selects the phases its jobs use. ListStages returns the union of the
//     phases the categories report and the current stages every application
//     reports, de-duplicated by id, with StageScope account-wide (JobID "").
//     A current stage without an id (a system stage) gets the synthetic id
//     "personio:<type>". StageTransitions reads an application's history
//     (GET /v2/recruiting/applications/{id}/stage-transitions) on demand; it
//     is not called during a sync because it costs one request per
//     application.
//   - Candidates: GET /v2/recruiting/candidates (updated_at.gt incremental).
//   - Applications: GET /v2/recruiting/applications (updated_at.gt
//     incremental). Status is derived from the current stage: a stage whose
//     type or kind says rejected/withdrawn is rejected, hired/accepted is
//     hired, anything else active. Applications without a job (talent pool,
//     unsolicited) are skipped, as the store keys applications by job.
//   - Tags: the API does not return tags (documented limitation), so
//     ListTags returns nothing without a request.
//   - Rejection reasons: there is no list endpoint, and rejecting is not
//     possible, so ListRejectionReasons reads nothing; an application's
//     rejection_reason (unconfirmed field) is kept on the application.
//   - Users: there is no user endpoint in the recruiting scope. ListUsers
//     returns the hiring-team members referenced by jobs (person id, and
//     name/email only where the job reports them).
//
// Timestamps arrive either as RFC 3339 strings or as objects
// {"date-time": "2026-06-01T10:00:00", "timezone": "Europe/Berlin"}; both
// are accepted (the package embeds the time zone database via time/tzdata
// so zone names resolve on minimal hosts). updated_at.gt is sent in whole
// seconds (UTC) as the exclusive lower bound that honours
// ListOptions.UpdatedAfter ("at or after").
//
// # Facts and where they come from
//
// Confirmed from Personio's own pages (search index, read 2026-11):
//   - the GA changelog (developer.personio.de/changelog/recruiting-api-is-generally-available):
//     GET /v2/recruiting/{applications,candidates,jobs,categories} (+ /{id}),
//     /applications/{id}/stage-transitions; the Beta header is no longer
//     required;
//   - reference get_v2-recruiting-jobs and get_v2-recruiting-candidates:
//     limit 1–200 (default 100), cursor, lists sorted by last update newest
//     first, scope personio:recruiting:read; candidates take updated_at.gt /
//     updated_at.lt (date-time, mutually exclusive) and email; "the
//     Candidates and Applications API does not return custom attributes and
//     tags";
//   - reference get_v2-recruiting-applications-id-stage-transitions: history
//     ordered latest first;
//   - reference post_v2-auth-token: OAuth 2.0 client credentials grant,
//     application/x-www-form-urlencoded body;
//   - support.personio.de article 207150429: recruiting categories select
//     the recruiting phases of their jobs (all phases when none selected);
//   - webhooks cover Person events only (shared/reference/ats-apis.md, ✅).
//
// Secondary (third-party code and analyses of Personio's OpenAPI files,
// e.g. Hochfrequenz/personio_client.py docs/plans, threadi/wp-personio-integration-light,
// several MCP servers): token form fields grant_type=client_credentials,
// client_id, client_secret; token response {access_token ("papi-…"),
// token_type, expires_in (86400), scope}; token errors are 400
// {error, error_description, error_uri, timestamp, trace_id}; the token
// endpoint allows 150 requests per minute; list envelope
// {"_data": [...], "_meta": {"links": {"next": {"href": absolute URL}}}};
// resource errors {"personio_trace_id", "timestamp", "errors": [{"title",
// "detail", "type", "_meta"}]}; updated_at.gt on applications; the field
// shapes of applications (candidate, job, current_stage {id, kind, name,
// type}, application_date, created_at/updated_at objects), jobs (name,
// department, category, hiring_team [{person {id}, role {name}}]),
// categories (stages [{id, name, type, kind}]) and stage transitions
// (stage, entered_at).
//
// Inferred (check against a real account): 150 requests per minute for the
// recruiting endpoints too (DefaultRateLimit; Personio documents no limit
// or rate-limit headers for them, so only 429 + Retry-After is honoured);
// the values of current_stage.kind/type; null stage ids for system stages;
// the rejection_reason field; job status and description fields; that the
// next link carries every filter (it is followed verbatim); that an empty
// page ends paging; a Retry-After header on 429; that sending the
// recommended X-Personio-App-ID header with the value HIRELOOP is welcome.
package personio

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	// Personio reports local wall times with an IANA zone name; embed the
	// zone database so they resolve on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "personio"

// DefaultBaseURL is Personio's API host; paths carry the version
// (/v2/recruiting/...).
const DefaultBaseURL = "https://api.personio.de"

// DefaultRateLimit is 150 requests per minute: the limit Personio documents
// for its token endpoint and the one integrators report for the v2 API.
var DefaultRateLimit = ats.RateLimit{Requests: 150, Per: time.Minute}

// AppIDHeader identifies hireloop to Personio, as its docs recommend.
const AppIDHeader = "X-Personio-App-ID"

const (
	maxPageSize     = 200
	defaultPageSize = 200
	tokenPath       = "/v2/auth/token"
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Personio Recruiting API v2 connector.
type Client struct {
	http     *ats.Client
	tok      *ats.ClientCredentials
	cfg      ats.Config
	pageSize int
}

var _ ats.Connector = (*Client)(nil)

// New builds a client. IntegrationID (client id) and APIKey (client
// secret) are required.
func New(cfg ats.Config) (*Client, error) {
	if strings.TrimSpace(cfg.IntegrationID) == "" || strings.TrimSpace(cfg.APIKey) == "" {
		return nil, ats.NotConfigured(Name, "new",
			"Personio needs API credentials: the client id (integration id) and the client secret (API key)")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	tok, err := newTokenSource(base+tokenPath, cfg)
	if err != nil {
		return nil, err
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             tok,
		Header:           http.Header{http.CanonicalHeaderKey(AppIDHeader): {"HIRELOOP"}},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, defaultPageSize, maxPageSize)
	return &Client{http: hc, tok: tok, cfg: cfg, pageSize: ps}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector. Token requests are not counted: they go
// to a separately limited endpoint.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// Human reasons for the unsupported writes, shown in the console.
const (
	ReasonResultLink = "Personio's public Recruiting API is read-only: it has no endpoint to add a link, note or attribute to an existing application or candidate."
	ReasonNote       = "Personio's public Recruiting API has no notes or comments endpoint; add notes in Personio."
	ReasonAttachment = "Personio accepts documents only while creating a new application (v1 application create with uploaded documents); a file cannot be added to an existing application."
	ReasonMoveStage  = "Personio's public Recruiting API cannot change an application's phase; move the candidate in Personio."
	ReasonReject     = "Personio's public Recruiting API cannot reject an application; reject it in Personio."
	ReasonAddTag     = "Personio's public Recruiting API neither returns nor sets candidate tags."
	ReasonWebhooks   = "Personio webhooks cover Person (employee) events only, not recruiting; hireloop polls Personio instead."
)

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Reason: ReasonResultLink},
		ats.ActionNote:       {Reason: ReasonNote},
		ats.ActionAttachment: {Reason: ReasonAttachment},
		ats.ActionMoveStage:  {Reason: ReasonMoveStage},
		ats.ActionReject:     {Reason: ReasonReject},
		ats.ActionAddTag:     {Reason: ReasonAddTag},
	},
	Webhooks: ats.WebhookSupport{Supported: false},
	Incremental: map[ats.Model]bool{
		ats.ModelCandidates: true, ats.ModelApplications: true,
	},
	Deletions:        map[ats.Model]bool{},
	StageScope:       ats.StagesAccountWide,
	DefaultRateLimit: DefaultRateLimit,
}

// Capabilities implements ats.Connector. Personio reports nothing at
// runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test obtains an access token (checking the client id and secret) and
// reads one job and one application (checking the personio:recruiting:read
// scope).
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{"/v2/recruiting/jobs", "/v2/recruiting/applications"} {
		if _, err := c.get(ctx, ats.Request{Method: http.MethodGet, Path: p, Query: url.Values{"limit": {"1"}}}); err != nil {
			return err
		}
	}
	return nil
}

// get makes one read with a valid token. A 401 drops the cached token so
// the next call fetches a new one (a revoked or rotated token); the read
// itself is not repeated, the caller's sync retries later.
func (c *Client) get(ctx context.Context, req ats.Request) (*ats.Response, error) {
	if _, err := c.tok.Token(ctx); err != nil {
		return nil, err
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil && isUnauthorized(err) {
		c.tok.Invalidate()
	}
	return resp, err
}

// apiError is Personio's v2 problem body.
type apiError struct {
	TraceID string `json:"personio_trace_id"`
	Errors  []struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Type   string `json:"type"`
	} `json:"errors"`
	// OAuth2 token endpoint shape.
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// message joins the problem entries as "title: detail; …".
func (e apiError) message() string {
	var parts []string
	for _, x := range e.Errors {
		switch {
		case x.Title != "" && x.Detail != "":
			parts = append(parts, x.Title+": "+x.Detail)
		case x.Detail != "":
			parts = append(parts, x.Detail)
		case x.Title != "":
			parts = append(parts, x.Title)
		}
	}
	if len(parts) == 0 && e.ErrorDescription != "" {
		parts = append(parts, e.ErrorDescription)
	}
	return strings.Join(parts, "; ")
}

// decodeError reads Personio's problem body {personio_trace_id, errors[]}.
// The trace id becomes the error code, so support requests can quote it.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	msg := e.message()
	code := e.TraceID
	if code != "" {
		code = "trace " + code
	}
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity {
		return &ats.InvalidInputError{VendorMessage: msg}, code, msg, ""
	}
	return nil, code, msg, ""
}

func isUnauthorized(err error) bool {
	var e *ats.Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}

// pathID escapes an id for one path segment.
func pathID(id string) string { return url.PathEscape(id) }
