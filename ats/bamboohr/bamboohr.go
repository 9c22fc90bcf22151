// Package bamboohr connects hireloop to the applicant tracking (ATS) part of
// the BambooHR API (https://documentation.bamboohr.com/reference, section
// "Applicant Tracking").
//
// BambooHR's model: an application links an applicant (our Candidate) to a
// job opening and carries one status. Statuses are one account-wide list
// (GET /applicant_tracking/statuses) that doubles as the pipeline and as the
// outcome: codes NOFIT, NOQUAL, OVERQUAL, DECLINED and POACHED are the
// rejection statuses, HIRED is the hire. So every status is an account-wide
// ats.Stage (Kind set from its code), the five rejection statuses are also
// the ats.RejectionReasons, and Reject is a status change to one of them.
// Candidates are derived from the applicant embedded in each application
// (there is no applicant list); users are the hiring leads.
//
// Facts and where they come from.
//
// Confirmed by BambooHR's own sources (BambooHR/bhr-api-python docs/
// ApplicantTrackingApi.md and its models, read 2026-11;
// documentation.bamboohr.com/docs/api-details and
// documentation.bamboohr.com/docs/planned-changes-to-the-api):
//   - endpoints GET /applicant_tracking/jobs (statusGroups, sortBy,
//     sortOrder), GET /applicant_tracking/applications (page, jobId,
//     applicationStatusId, applicationStatus, jobStatusGroups, searchString,
//     sortBy, sortOrder, newSince), GET /applicant_tracking/applications/{id},
//     GET /applicant_tracking/statuses, GET /applicant_tracking/hiring_leads,
//     POST /applicant_tracking/applications/{id}/status {"status": <int>} and
//     POST /applicant_tracking/applications/{id}/comments {"type":"comment",
//     "comment"}; Basic auth with the API key as user name; the key owner
//     needs access to ATS settings;
//   - the list envelope {paginationComplete, nextPageUrl, applications[]}
//     and list rows {id, appliedDate, status{id,label}, rating, applicant{id,
//     firstName,lastName,avatar,email,source}, job{id,title{id,label}}};
//     the list carries no change time (only the details' status.dateChanged
//     does);
//   - newSince only selects applications created after a time, so it cannot
//     drive an incremental sync of changes: every model is a full scan
//     (Capabilities.Incremental is all false; the sync engine diffs rows);
//   - throttling: 429 with Retry-After since 2026-09-16, 503 before that
//     (503 still means "unavailable"); no numeric budget is published.
//
// Confirmed by recorded responses (testdata/, copied from
// shared/reference/samples/bamboohr-*.json: Skookum/bamboozled fixtures,
// demo data): the applications envelope and row shape above, and the
// statuses list {code, description, enabled, id (string), manageable, name,
// translatedName}.
//
// Secondary or inferred (check in a sandbox):
//   - the job summary shape {id, title{id,label}, postedDate,
//     location{id,label}, department{id,label}, status{id,label}, counts,
//     postingUrl} (bamboozled, PipedreamHQ/pipedream:components/bamboohr and
//     third-party code read job.title.label); statusGroups=ALL returns jobs in
//     every state;
//   - applicationStatus=ALL and jobStatusGroups=ALL make the application list
//     include rejected and hired applications and those of closed jobs, and
//     sortBy=created_date&sortOrder=ASC gives a paging order that new
//     applications cannot shift; nextPageUrl, when present, is followed
//     (absolute or host-relative), else page=N+1 while paginationComplete is
//     false; the server picks the page size (Config.PageSize is ignored;
//     the fake's default of 100 is a guess);
//   - description and department of open jobs come from the public careers
//     site, GET https://{companyDomain}.bamboohr.com/careers/{id}/detail →
//     {result:{jobOpening:{description, departmentLabel, location,…}}}
//     (docs.kombo.dev/ats/connectors/bamboohr says that endpoint is the only
//     source and answers 404 for jobs that are not open; field names from
//     several third-party scrapers). Screening questions are said to be there
//     too, but no source shows their field names, so they are not read;
//   - hiring lead rows {employeeId, preferredFullName} (SDK model), also
//     accepted wrapped in {"hiringLead": …} or with firstName/lastName;
//     ats.User ids are therefore employee ids, and carry no email;
//   - error text in the X-BambooHR-Error-Message header (third-party
//     troubleshooting guides); the comment response {type, id} (Knit's
//     use-case page).
//
// Writes are attributed to the API key's owner: BambooHR has no acting-user
// parameter. There are no ATS webhooks (hireloop polls), no file upload to an
// existing application, no tags and no links in the public API.
package bamboohr

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "bamboohr"

// DefaultBaseURL is the API root; {companyDomain} is the company's
// BambooHR subdomain (acme for acme.bamboohr.com). Config.BaseURL must be
// this URL with the domain filled in, or just the domain.
const DefaultBaseURL = "https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1"

// DefaultRateLimit is a conservative budget of 10 requests per 10 seconds:
// BambooHR publishes no number, throttles "requests it deems too frequent"
// with 429 (formerly 503) and a Retry-After, and counts failed logins too.
// Config.RateLimit overrides it.
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: 10 * time.Second}

// Reasons shown for unsupported writes.
const (
	ReasonAttachment = "BambooHR's public API cannot attach a file to an existing application (files are only accepted when an application is created)."
	ReasonAddTag     = "BambooHR's applicant tracking has no tags in its public API."
	ReasonWebhooks   = "BambooHR sends no applicant tracking webhooks; hireloop polls on its schedule."
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a BambooHR applicant tracking connector.
type Client struct {
	http    *ats.Client
	careers *ats.Client // public careers site, no credentials
	cfg     ats.Config
}

var _ ats.Connector = (*Client)(nil)

var domainRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// New builds a client. APIKey and the company domain (in BaseURL) are
// required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a BambooHR API key is required")
	}
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BasicAuth{Username: cfg.APIKey, Password: "x"},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	origin, err := careersOrigin(base)
	if err != nil {
		return nil, err
	}
	cc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          origin,
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	return &Client{http: hc, careers: cc, cfg: cfg}, nil
}

// baseURL accepts the full API root or just the company domain.
func baseURL(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", ats.NotConfigured(Name, "new",
			"the BambooHR company domain is required: set the base URL to "+DefaultBaseURL+" (or just the domain)")
	case strings.Contains(v, "{companyDomain}"):
		return "", ats.NotConfigured(Name, "new", "replace {companyDomain} in the base URL with your BambooHR subdomain")
	case !strings.Contains(v, "://"):
		if !domainRE.MatchString(v) {
			return "", ats.NotConfigured(Name, "new", "the BambooHR company domain "+strconv.Quote(v)+" is not a subdomain like acme")
		}
		return strings.Replace(DefaultBaseURL, "{companyDomain}", v, 1), nil
	}
	return strings.TrimRight(v, "/"), nil
}

// careersOrigin is where the public careers site of the company lives:
// https://{companyDomain}.bamboohr.com for the api.bamboohr.com gateway,
// else the base URL's own origin (company-host API URLs, proxies, fakes).
func careersOrigin(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", ats.NotConfigured(Name, "new", "invalid base URL "+strconv.Quote(base))
	}
	if strings.EqualFold(u.Hostname(), "api.bamboohr.com") {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		for i := 0; i+1 < len(parts); i++ {
			if parts[i] == "gateway.php" && domainRE.MatchString(parts[i+1]) {
				return "https://" + strings.ToLower(parts[i+1]) + ".bamboohr.com", nil
			}
		}
		return "", ats.NotConfigured(Name, "new", "the base URL has no company domain after /api/gateway.php/")
	}
	return u.Scheme + "://" + u.Host, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector: API and careers-site requests together.
func (c *Client) Stats() ats.Stats {
	a, b := c.http.Stats(), c.careers.Stats()
	return ats.Stats{Requests: a.Requests + b.Requests, Retries: a.Retries + b.Retries,
		RateLimited: a.RateLimited + b.RateLimited, Throttled: a.Throttled + b.Throttled}
}

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetApplication,
			Reason: "BambooHR has no links API: the link is written as an application comment (label, URL and attributes as text)."},
		ats.ActionNote: {Supported: true, Target: ats.TargetApplication,
			Reason: "Comments are posted as the API key's owner; BambooHR has no acting-user parameter and no private comments."},
		ats.ActionAttachment: {Supported: false, Reason: ReasonAttachment},
		ats.ActionMoveStage:  {Supported: true, Target: ats.TargetApplication, Reason: "Moves change the application's status."},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Rejecting sets one of the rejection statuses (Not a Fit, Not Qualified, Over Qualified, Declined Offer, Hired Elsewhere)."},
		ats.ActionAddTag: {Supported: false, Reason: ReasonAddTag},
	},
	Webhooks:           ats.WebhookSupport{Supported: false},
	Incremental:        map[ats.Model]bool{},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesAccountWide,
	ActingUserRequired: false,
	DefaultRateLimit:   DefaultRateLimit,
}

// Capabilities implements ats.Connector. BambooHR reports nothing at runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test checks the key and its ATS permission with two small reads.
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{pathStatuses, pathJobs} {
		var v json.RawMessage
		if _, err := c.http.GetJSON(ctx, p, nil, &v); err != nil {
			return err
		}
	}
	return nil
}

// decodeError reads BambooHR's X-BambooHR-Error-Message header (falling
// back to a JSON {"message"} / {"error":{"message"}} / {"errors":[…]} body)
// and maps a 503 that carries Retry-After to a rate limit: BambooHR
// throttled with 503 until 2026-09-16 and some accounts may still do.
func decodeError(status int, h http.Header, body []byte) (error, string, string, string) {
	msg := strings.TrimSpace(h.Get("X-BambooHR-Error-Message"))
	if msg == "" {
		msg = bodyMessage(body)
	}
	switch {
	case status == http.StatusServiceUnavailable && h.Get("Retry-After") != "":
		return &ats.RateLimitedError{}, "", msg, ""
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity || status == http.StatusConflict:
		return &ats.InvalidInputError{VendorMessage: msg}, "", msg, ""
	}
	return nil, "", msg, ""
}

func bodyMessage(body []byte) string {
	var v struct {
		Message string `json:"message"`
		Error   any    `json:"error"`
		Errors  []struct {
			Message string `json:"message"`
			Error   string `json:"error"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if v.Message != "" {
		return v.Message
	}
	switch e := v.Error.(type) {
	case string:
		return e
	case map[string]any:
		if m, ok := e["message"].(string); ok {
			return m
		}
	}
	var parts []string
	for _, e := range v.Errors {
		if e.Message != "" {
			parts = append(parts, e.Message)
		} else if e.Error != "" {
			parts = append(parts, e.Error)
		}
	}
	return strings.Join(parts, "; ")
}

// VerifyWebhook implements ats.WebhookHandler: BambooHR has no ATS webhooks.
func (c *Client) VerifyWebhook(http.Header, []byte, string) error {
	return ats.Unsupported(Name, "webhook", ReasonWebhooks)
}

// ParseWebhook implements ats.WebhookHandler: BambooHR has no ATS webhooks.
func (c *Client) ParseWebhook(http.Header, []byte) (ats.WebhookEvent, error) {
	return ats.WebhookEvent{}, ats.Unsupported(Name, "webhook", ReasonWebhooks)
}

// isNotFound reports a 404/410 from the careers site.
func isNotFound(err error) bool {
	return errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden)
}
