// Package ashby connects hireloop to Ashby (https://developers.ashbyhq.com).
//
// Ashby's API is RPC-style: every call is POST https://api.ashbyhq.com/<object>.<verb>
// with a JSON body, authenticated with HTTP Basic auth (the API key as the
// username, empty password); the key owner is the acting user, so no
// acting-user setting is needed. Lists page with {limit ≤ 100, cursor} and
// answer {success, results, moreDataAvailable, nextCursor}; the last page of
// a full pass carries a syncToken for incremental reads. Logical errors come
// back as HTTP 200 with {success:false, errors:[…]} (and sometimes
// errorInfo{code,message}); they are mapped to the typed ats errors here.
//
// Mapping: job.list rows are jobs (descriptions and screening questions
// from jobPosting.info of the job's first posting, whose
// applicationFormDefinition.sections[].fields[] are the questions); stages
// are per interview plan (interviewStage.list {interviewPlanId}) and
// reported per job (Stage.JobID); stages of type "Archived" have Kind
// rejected and "Hired" Kind hired. candidate.list → candidates,
// application.list → applications (status Archived → rejected), candidateTag.list
// → tags, archiveReason.list → rejection reasons, user.list → users.
//
// Incremental reads: Ashby's incremental mechanism is an opaque syncToken,
// not a timestamp, while ats.ListOptions carries UpdatedAfter. The client
// keeps the syncToken of its last pass of candidate.list and
// application.list in memory, with the newest updatedAt that pass saw, and
// sends it when UpdatedAfter is at or past that instant (so the delta
// covers everything the caller asks for); rows are also filtered
// client-side by updatedAt ≥ UpdatedAfter, so the result is correct
// without a token too (a fresh process does a filtered full pass).
// "sync_token_expired" falls back to a full pass. Deletions are not
// reported. That a syncToken delta includes every row changed after the
// token was issued is Ashby's documented contract per the reference, but
// untested against a live account.
//
// Facts and sources. Confirmed: the shared reference
// (shared/reference/ats-apis.md, section "Ashby", citing Ashby's OpenAPI
// 3.1 document, developers.ashbyhq.com and recorded calls in
// NangoHQ/integration-templates) and the recorded samples
// shared/reference/samples/ashby-application.json (application.info:
// currentInterviewStage{id,title,type,interviewPlanId}, archiveReason,
// candidate{id,name,primaryEmailAddress}, job{id}, status "Archived",
// ISO-8601 createdAt/updatedAt) and ashby-job-posting.json
// (jobPosting.info: descriptionHtml, applicationFormDefinition with
// fields[].{isRequired, field{id,type,title,selectableValues}}). Also from
// the reference: the endpoint names and bodies used for writes
// (candidate.createNote {candidateId, note{type,value}}, application.changeStage
// {applicationId, interviewStageId, archiveReasonId}, candidate.addTag
// {candidateId, tagId}), the webhook header Ashby-Signature: sha256=<hex
// HMAC-SHA256(secretToken, raw body)> and body {action, data}.
//
// Confirmed in Ashby's OpenAPI document (api-evangelist/ashby mirror,
// read 2026-11 via the search index): interviewStage.list
// {interviewPlanId} → {results, moreDataAvailable}; Basic auth with the
// key as username and a blank password; the Ashby-Signature header format.
// Confirmed by recorded integration code (Nango templates): the job.list
// fields status, departmentId, locationId, jobPostingIds, interviewPlanIds,
// defaultInterviewPlanId, createdAt, updatedAt.
//
// Inferred (not verified against a live account; check in a sandbox):
// the job status values ("Open"/"Closed"/"Draft"/"Archived"), stage type
// values other than Archived; candidate.list fields
// emailAddresses, phoneNumbers, tags[{id,title}]; candidateTag.list
// {id,title,isArchived} and candidateTag.create {title}; user.list
// {id,firstName,lastName,email}; archiveReason.list {id,text,reasonType};
// the error shapes beyond {success:false, errors:[…]}; HTTP 401 for a bad
// key; the webhook data shape (data.application{id, candidate{id},
// currentInterviewStage{id}, job{id}}, data.candidate{id}); the rate
// limit (Ashby publishes no number; 10 req/s is a conservative guess).
//
// File uploads follow Ashby's OpenAPI (api-evangelist/ashby:
// openapi/ashby-file-api-openapi.yml, confirmed): file.createFileUploadHandle
// {fileUploadContext:"CandidateFiles", filename, contentType,
// contentLength} → {handle, url, fields}; a multipart/form-data POST of the
// fields and then "file" to the presigned url (a storage host, reached by a
// separate client without our credentials); candidate.uploadFile
// {candidateId, fileHandle}.
//
// Not implemented: result links (assessment.addCompletedToCandidate is
// partner-only); the note carries the link instead.
package ashby

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "ashby"

// DefaultBaseURL is the Ashby API root.
const DefaultBaseURL = "https://api.ashbyhq.com"

// DefaultRateLimit is a conservative guess; Ashby publishes no number.
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: time.Second}

const (
	maxPageSize     = 100
	defaultPageSize = 100
)

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is an Ashby connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int

	mu         sync.Mutex
	syncTokens map[string]syncToken // endpoint → syncToken of the last pass
}

var _ ats.Connector = (*Client)(nil)

// New builds a client. APIKey is required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "an Ashby API key is required")
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
		DecodeError:      decodeHTTPError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, defaultPageSize, maxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps, syncTokens: map[string]syncToken{}}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// ReasonResultLink explains why result links are unsupported.
const ReasonResultLink = "Ashby shows assessment results only for partner integrations; the note carries the link"

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: false, Reason: ReasonResultLink},
		ats.ActionNote:       {Supported: true, Target: ats.TargetCandidate, Reason: "Ashby notes live on the candidate (candidate.createNote)."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportMultipart,
			Reason: "Uploaded through a presigned storage URL (file.createFileUploadHandle), then attached with candidate.uploadFile."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication, Reason: "Stages come from the job's interview plan."},
		ats.ActionReject: {Supported: true, Target: ats.TargetApplication,
			Reason: "Rejecting moves the application to its plan's Archived stage with an archive reason, which is required."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate, Reason: "Tags are found by name or created (candidateTag.create)."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-hex", SignatureHeader: "Ashby-Signature", Setup: "api"},
	Incremental: map[ats.Model]bool{
		ats.ModelCandidates: true, ats.ModelApplications: true,
	},
	Deletions:        map[ats.Model]bool{},
	StageScope:       ats.StagesPerJob,
	DefaultRateLimit: DefaultRateLimit,
}

// Capabilities implements ats.Connector. Ashby reports nothing at runtime.
func (c *Client) Capabilities(context.Context) (ats.Capabilities, error) {
	return declared.Clone(), nil
}

// Test reads one row of the endpoints a sync needs.
func (c *Client) Test(ctx context.Context) error {
	for _, m := range []string{"job.list", "candidate.list", "application.list", "archiveReason.list"} {
		var env envelope
		if err := c.call(ctx, m, map[string]any{"limit": 1}, true, &env); err != nil {
			return err
		}
	}
	return nil
}

// envelope is Ashby's response: {success, results, moreDataAvailable,
// nextCursor, syncToken} or {success:false, errors, errorInfo}.
type envelope struct {
	Success           bool            `json:"success"`
	Results           json.RawMessage `json:"results"`
	MoreDataAvailable bool            `json:"moreDataAvailable"`
	NextCursor        string          `json:"nextCursor"`
	SyncToken         string          `json:"syncToken"`
	Errors            []string        `json:"errors"`
	ErrorInfo         *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errorInfo"`
}

// call POSTs body to /<method> and decodes the envelope, turning
// success:false into a typed error. read marks it retryable.
func (c *Client) call(ctx context.Context, method string, body any, read bool, out *envelope) error {
	if body == nil {
		body = map[string]any{}
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/" + method, JSON: body, Read: read})
	if err != nil {
		return err
	}
	*out = envelope{}
	if err := c.http.DecodeJSON(resp, out); err != nil {
		return err
	}
	if !out.Success {
		return logicalError("POST /"+method, resp.Status, out)
	}
	return nil
}

// errSyncTokenExpired marks a "sync_token_expired" answer.
const codeSyncTokenExpired = "sync_token_expired"

// logicalError maps {success:false} to a typed *ats.Error.
func logicalError(op string, status int, env *envelope) error {
	code, msg := "", strings.Join(env.Errors, "; ")
	if env.ErrorInfo != nil {
		code = env.ErrorInfo.Code
		if env.ErrorInfo.Message != "" {
			msg = env.ErrorInfo.Message
		}
	}
	if code == "" && len(env.Errors) > 0 {
		code = env.Errors[0]
	}
	e := &ats.Error{Provider: Name, Op: op, Status: status, Code: code, Message: msg}
	all := strings.ToLower(code + " " + msg)
	switch {
	case strings.Contains(all, "not_found") || strings.Contains(all, "not found"):
		e.Err = ats.ErrNotFound
	case strings.Contains(all, "unauthenticated") || strings.Contains(all, "invalid api key") || strings.Contains(all, "invalid_api_key"):
		e.Err = ats.ErrUnauthorized
	case strings.Contains(all, "forbidden") || strings.Contains(all, "permission"):
		e.Err = ats.ErrForbidden
	case strings.Contains(all, "rate_limit"):
		e.Err = &ats.RateLimitedError{}
	default:
		e.Err = &ats.InvalidInputError{VendorMessage: msg}
	}
	return e
}

// decodeHTTPError reads the {success:false, errors} body of non-2xx
// answers (401, 429, 5xx) for the message; the status picks the kind.
func decodeHTTPError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return nil, "", "", ""
	}
	code, msg := "", strings.Join(env.Errors, "; ")
	if env.ErrorInfo != nil {
		code, msg = env.ErrorInfo.Code, env.ErrorInfo.Message
	}
	return nil, code, msg, ""
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}
