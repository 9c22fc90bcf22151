// Package smartrecruiters connects hireloop to SmartRecruiters through its
// Customer API (https://developers.smartrecruiters.com).
//
// SmartRecruiters' model: a candidate (a person) is assigned to jobs; the
// assignments are the candidate's primaryAssignment and
// secondaryAssignments[], each with a job{id,title}, a status and a
// subStatus. This connector reads every candidate from GET /candidates and
// turns each assignment into one ats.Application. SmartRecruiters has no
// application id, so the connector builds one:
//
//	Application.ID = "<candidateId>:<jobId>"  (see ApplicationID, SplitApplicationID)
//
// Both parts are SmartRecruiters UUIDs, which contain no ":", so the split
// is unambiguous; every application write recovers the candidate id and job
// id from it, because the status endpoint is
// PUT /candidates/{candidateId}/jobs/{jobId}/status.
//
// Stages are the fixed statuses (LEAD, NEW, IN_REVIEW, INTERVIEW, OFFERED,
// HIRED, REJECTED, WITHDRAWN, TRANSFERRED): StageScope is "fixed", stage ids
// are the status names, and Application.StageName adds the sub-status
// ("INTERVIEW · Phone screen") without making it part of the id.
// Sub-statuses come from per-job hiring processes; they are not listed as
// stages and MoveToStage sets the status only.
//
// Facts and where they come from.
//
// Confirmed from SmartRecruiters' own pages (search index, read 2026-11):
//   - PUT /candidates/{id}/jobs/{jobId}/status with body {status (enum,
//     required), startsOn, reason} where reason is the "id of rejection
//     (GET /configuration/rejection-reasons) or withdrawal reason"; answers
//     204 (developers.smartrecruiters.com/reference/candidatesstatusupdate-1).
//     The point that move and reject share this one call holds: both
//     go through setStatus.
//   - Webhooks: POST /webhooks-api/v201907/subscriptions, then
//     PUT /webhooks-api/v201907/subscriptions/{id}/activation, during which
//     SmartRecruiters POSTs the callback URL with X-Hook-Secret and expects
//     200 echoing it within 20 s, then answers 204
//     (developers.smartrecruiters.com/reference/subscriptionsactivate-1,
//     /docs/activating-webhook-subscriptions; smartrecruiters/sr-webhooks-client
//     README). The X-Hook-Secret is a temporary handshake value: deliveries
//     are signed only with keys created by POST
//     /subscriptions/{id}/secret-key ("Generate a secret key for a webhook
//     subscription", /reference/subscriptionsgeneratesecretkey-1; path from
//     the generated SDK, open_api_smart_recruiters_sdk). The signature header
//     smartrecruiters-signature is "v1=<hex>;v1=<hex>…" (up to 16 live keys,
//     a replaced key stays valid 24 h), hex = HMAC-SHA256(key,
//     timestamp.body.event-id.event-name.event-version.link) with missing
//     headers as "". The documented test vector is in testdata/ and passes.
//   - Deliveries carry event-name, event-version, event-id, a Link header
//     to the changed resource and a small body; event names
//     application.created, application.status.updated, candidate.created,
//     candidate.updated, candidate.deleted, job.created, job.updated,
//     job.status.updated (sr-webhooks-client; Knit's SmartRecruiters event
//     table, developers.getknit.dev).
//
// Taken from shared/reference/ats-apis.md ("SmartRecruiters", ✅ per the
// reference, not re-read here): base https://api.smartrecruiters.com,
// X-SmartToken auth, no acting-user parameter; paging limit + offset
// ({totalFound, content[]}) or limit + pageId → nextPageId; updatedAfter on
// /candidates and /jobs; 10 requests/s, 8 concurrent and one concurrent
// GET /candidates (the shared client is sequential per call, so one sync
// never runs two); X-RateLimit-Limit/-Remaining (read by ats.Limiter) and
// X-RateLimit-Concurrent-Limit/-Remaining (not read: the client never runs
// concurrent requests per call); the fixed statuses;
// GET /jobs/{id}/jobads for the description sections; note POST
// /messages/shares {content, shareWith} with "#[CANDIDATE:id]" in content;
// attachment POST /candidates/{id}/attachments multipart attachmentType +
// file; tags POST /candidates/{id}/tags {tags:[…]} (PUT would replace);
// GET /configuration/rejection-reasons.
//
// Inferred (◐/❓, check against a sandbox): which endpoint pages how
// (here /candidates and /jobs by pageId, /users by offset, the
// configuration lists unpaged); the candidate list item fields (id,
// firstName, lastName, email, phoneNumber, tags[], createdOn, updatedOn,
// primaryAssignment/secondaryAssignments with job{id,title}, status,
// subStatus, reasonOfRejection{id,label}); that an assignment status change
// bumps the candidate's updatedOn (applications are incremental only
// through it); job fields (status CREATED/SOURCING/INTERVIEW/OFFER/FILLED/
// CANCELLED/ON_HOLD, department{label}, location{city,region,country});
// the job ad shape jobAd.sections.{companyDescription,jobDescription,
// qualifications,additionalInformation}.{title,text}; users {id,
// firstName, lastName, email}; rejection reasons {id, label}; the
// shareWith fields; attachmentType values GENERIC/RESUME/COVER_LETTER;
// GET /candidates/{id}/attachments for HasWrite; the error bodies
// {"message"} and {"errors":[{"code","message"}]}; the subscription event
// version "1.0.0" (help.smartrecruiters.com, "Use of Webhook Subscription
// API"); the secret-key response field secretKey; the webhook body keys
// (job_id/candidate_id as in the documented vector, jobId/candidateId
// accepted too).
//
// Screening questions. They belong to a job ad's public posting, not to
// the job, so reading them needs the company identifier, which hireloop
// takes from ats.Config.IntegrationID ("integration_id", shown as
// "Company identifier"). It is optional: without it no question is read
// and ListJobs makes exactly the requests it made before. With it,
// ListJobs lists the company's postings once per call, maps each posting's
// jobAdId to its uuid, and for every job whose job ad has a posting reads
// that posting's configuration. Confirmed from SmartRecruiters' pages:
//   - Posting API: GET /v1/companies/{companyIdentifier}/postings?limit=
//     (≤ 100)&offset= lists a company's active postings as {limit, offset,
//     totalFound, content[]}, each with id, uuid, name, jobAdId ("id of a
//     job ad"), defaultJobAd (whether the posting is for the job's default
//     ad), refNumber and company{identifier, name}; it needs no
//     authentication, so the X-SmartToken sent anyway is harmless. The
//     company identifier is what follows https://careers.smartrecruiters.com/
//     in the default career site address (Settings/Admin > Career Pages &
//     Job Ads) (developers.smartrecruiters.com/docs/objects;
//     dev.smartrecruiters.com/customer-api/posting-api/endpoints/postings).
//   - Application API: GET /postings/{uuid}/configuration "fetches a list
//     of screening and diversity questions and privacy policies for a
//     job": {questions[{id, label, repeatable, fields[{id, label, type,
//     required, complianceType, values[{id, label}]}]}], settings,
//     privacyPolicies}; a simple question has exactly one field, a complex
//     one two or more; repeatable means several answer blocks (e.g.
//     languages) (developers.smartrecruiters.com/docs/
//     get-application-screening-questions-and-privacy-policies).
//   - The job ads of GET /jobs/{id}/jobads carry the "id" a posting's
//     jobAdId refers to.
//
// Mapping: one ats.Question per field; the id is the question id, or
// "<questionId>:<fieldId>" when the question has several fields; the label
// is the question label, or "question label: field label"; Required and
// the options (values) come from the field. Fields with a complianceType
// (diversity, EEO) are never imported, because they must not become
// interview questions; a repeatable question is imported once. A 403/404
// on the postings list or a configuration leaves the jobs without
// questions; Test reports an unknown company identifier (404) as not
// configured, naming the setting. Inferred, not documented: the field type
// names (mapped by the words they contain: values → single choice, or
// multi choice when the type says MULTI or CHECKBOX; DATE → date;
// NUMBER/NUMERIC → number; BOOLEAN, or CHECKBOX without values → yes/no;
// TEXTAREA/MULTILINE → long text; anything else → text), and that the
// posting of the job's default ad (defaultJobAd, else the first of the
// job's ads with a posting) carries the questions hireloop should use.
//
// Not read: deleted candidates (no deleted listing; the candidate.deleted
// webhook triggers a re-sync).
package smartrecruiters

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
const Name = "smartrecruiters"

// DefaultBaseURL is the Customer API root.
const DefaultBaseURL = "https://api.smartrecruiters.com"

// DefaultRateLimit is the documented budget of 10 requests per second.
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: time.Second}

// MaxPageSize is the largest limit the list endpoints accept.
const MaxPageSize = 100

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a SmartRecruiters connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int
	// company is the career-site company identifier (IntegrationID); it
	// is optional and only enables reading screening questions.
	company string
}

var (
	_ ats.Connector         = (*Client)(nil)
	_ ats.WebhookRegistrar  = (*Client)(nil)
	_ ats.WebhookHandshaker = (*Client)(nil)
	_ ats.WriteChecker      = (*Client)(nil)
)

// tokenAuth sends the API key in X-SmartToken.
type tokenAuth struct{ key string }

func (a tokenAuth) Authenticate(_ context.Context, r *http.Request) error {
	r.Header.Set("X-SmartToken", a.key)
	return nil
}

// New builds a client. APIKey is required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a SmartRecruiters API key (X-SmartToken) is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             tokenAuth{key: cfg.APIKey},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, MaxPageSize, MaxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps, company: strings.TrimSpace(cfg.IntegrationID)}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: false,
			Reason: "SmartRecruiters has no link field for outside results in its Customer API (results go through the partner Assessment API); write a note with the link instead."},
		ats.ActionNote: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Notes are messages shared on the candidate's profile (POST /messages/shares with a #[CANDIDATE:id] mention)."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportMultipart,
			Reason: "Files are attached to the candidate, not to one job."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication,
			Reason: "Stages are SmartRecruiters' fixed statuses; only the status is set, not a sub-status."},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Sets the status REJECTED with a reason from the rejection reasons list."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate},
	},
	Webhooks: ats.WebhookSupport{Supported: true,
		SignatureScheme: "hmac-sha256-hex(timestamp.body.event-id.event-name.event-version.link)",
		SignatureHeader: "smartrecruiters-signature", Setup: "api"},
	Incremental: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelCandidates: true,
		// Applications come from candidates, so they follow the
		// candidate's updatedAfter filter.
		ats.ModelApplications: true,
	},
	Deletions:          map[ats.Model]bool{},
	StageScope:         ats.StagesFixed,
	ActingUserRequired: false,
	DefaultRateLimit:   DefaultRateLimit,
}

// Capabilities implements ats.Connector. SmartRecruiters reports nothing
// at runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test reads one job and one candidate, the two lists a sync needs most,
// and, when a company identifier is set, one posting of that company, so a
// mistyped identifier is reported at connect time rather than showing up
// later only as jobs without screening questions.
func (c *Client) Test(ctx context.Context) error {
	for _, p := range []string{"/jobs", "/candidates"} {
		var v listPage
		if _, err := c.http.GetJSON(ctx, p, url.Values{"limit": {"1"}}, &v); err != nil {
			return err
		}
	}
	if c.company != "" {
		return c.testCompany(ctx)
	}
	return nil
}

// decodeError reads SmartRecruiters' error bodies: {"message": "..."} or
// {"errors": [{"code": "...", "message": "..."}]}.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	msg, code := e.Message, e.Code
	var msgs []string
	for _, x := range e.Errors {
		if x.Message != "" {
			msgs = append(msgs, x.Message)
		}
		if code == "" {
			code = x.Code
		}
	}
	if msg == "" {
		msg = strings.Join(msgs, "; ")
	}
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity || status == http.StatusConflict {
		return &ats.InvalidInputError{VendorMessage: msg}, code, msg, ""
	}
	return nil, code, msg, ""
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string { return url.PathEscape(id) }

// ApplicationID builds the connector's application id from a candidate id
// and a job id.
func ApplicationID(candidateID, jobID string) string { return candidateID + ":" + jobID }

// SplitApplicationID recovers the candidate id and job id from an
// application id built by ApplicationID.
func SplitApplicationID(id string) (candidateID, jobID string, ok bool) {
	cid, jid, ok := strings.Cut(id, ":")
	if !ok || cid == "" || jid == "" || strings.Contains(jid, ":") {
		return "", "", false
	}
	return cid, jid, true
}
