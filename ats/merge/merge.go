// Package merge connects hireloop to the ~60 ATSs behind Merge's unified
// ATS API (https://docs.merge.dev; supported ATSs at
// https://docs.merge.dev/merge-unified/ats/integrations/overview).
//
// A Merge connection has two credentials: the organisation's API key
// (Config.APIKey, sent as Authorization: Bearer) and the end customer's
// linked-account token (Config.IntegrationID, sent as X-Account-Token).
// Writes are attributed to a Merge RemoteUser id (Config.ActingUserID,
// sent as remote_user_id).
//
// Facts confirmed in Merge's own sources (merge-api/merge-go-client ats/*.go
// and ats/forceresync/client.go, merge-api/merge-ruby-client
// lib/merge_ruby_client/ats/types/*.rb and ats/applications/types/*.rb,
// merge-api/merge-ats-ruby docs/*.md, docs.merge.dev pages read via the
// search index: merge-api-basics/rate-limits, writing-data troubleshooting
// and warnings-and-errors-reference, reading-data/webhooks/merge-webhooks,
// help.merge.dev/en/articles/9150563 and 10012366, the latter showing
// email_addresses[{value, email_address_type}] and attachments
// [{file_name, file_url, attachment_type}] in a request body):
//   - base https://api.merge.dev/api/ats/v1 (api-eu.merge.dev,
//     api-ap.merge.dev and api-sandbox.merge.dev are the regional/sandbox
//     hosts); Bearer key plus X-Account-Token.
//   - list responses {next, previous, results}; next is an opaque cursor
//     passed back as ?cursor=; page_size at most 100; modified_after /
//     modified_before filter on when *Merge* last changed its copy of the
//     row (modified_at), not on when the ATS changed it; created_after;
//     include_deleted_data=true adds rows whose remote_was_deleted is true.
//   - models and field names: Job {name, description, code, status
//     OPEN|CLOSED|DRAFT|ARCHIVED|PENDING, departments, offices, …};
//     GET /jobs/{id}/screening-questions (expand=options) → ScreeningQuestion
//     {id, remote_id, job, description, title, type DATE|FILE|SINGLE_SELECT|
//     MULTI_SELECT|SINGLE_LINE_TEXT|MULTI_LINE_TEXT|NUMERIC|BOOLEAN,
//     required, options}; JobInterviewStage {name, job (empty for generic
//     stages), stage_order}; Candidate {first_name, last_name,
//     email_addresses[{value}], phone_numbers[{value}], tags []string};
//     Application {candidate, job, current_stage, reject_reason, applied_at,
//     rejected_at, screening_question_answers}; expand names current_stage,
//     reject_reason, screening_question_answers,
//     screening_question_answers.question; Tag {remote_id, name} has no id;
//     RejectReason {name}; RemoteUser (GET /users) {first_name, last_name,
//     email}; every model has remote_id, modified_at, remote_was_deleted.
//   - writes take {"model":{…},"remote_user_id":"…"} and answer {model,
//     warnings, errors}; errors[] {title, detail, problem_type,
//     source{pointer}} fail the request, warnings do not. Activity
//     {user, activity_type NOTE|EMAIL|OTHER, subject, body, visibility
//     ADMIN_ONLY|PUBLIC|PRIVATE, candidate}; Attachment {file_name,
//     file_url, candidate, attachment_type}; PATCH /candidates/{id} with a
//     PatchedCandidateRequest; POST /sync-status/resync → []SyncStatus
//     {model_name, model_id, last_sync_start, next_sync_start,
//     last_sync_result, status, is_initial_sync} (programmatic resync needs
//     a plan with that feature and consumes a sync credit).
//   - GET /available-actions → {integration{name, slug},
//     available_model_operations[{model_name, available_operations
//     (e.g. FETCH, CREATE), required_post_parameters}]} (ModelOperation in
//     merge-ats-ruby docs/ModelOperation.md); Capabilities uses the CREATE
//     entries of Activity and Attachment.
//   - 100 / 400 / 600 requests per minute per linked account (Launch /
//     Professional / Enterprise); plus a global guard that blocks an IP
//     after more than 20 failing requests (status ≥ 400, 429 excluded) in a
//     rolling 10 s.
//   - webhooks: {hook, linked_account, data}; registered in the Merge
//     dashboard (no API); signed with X-Merge-Webhook-Signature.
//
// Taken from shared/reference/ats-apis.md (which cites the Go client at
// ed32bbd) and not re-read here: POST /applications/{id}/change-stage
// {job_interview_stage, remote_user_id}; webhook event names
// <Model>.added|changed|removed, LinkedAccount.*, Issue.*; the signature
// being base64url(HMAC-SHA256(signature key, raw body)) (third-party
// verifiers in the code index agree; padded and unpadded are both accepted).
//
// Inferred (check against a Merge sandbox): Django-REST-style {"detail"}
// error bodies for 401/404/429 and a Retry-After header on 429 (Merge
// documents no rate-limit headers, so the limiter runs on the plan budget
// alone); that PATCH /candidates replaces the whole tags array (hence
// read-modify-write in AddTag); the ScreeningQuestionAnswer shape {question,
// answer}; GET /account-details status values COMPLETE|INCOMPLETE|
// RELINK_NEEDED; the candidate_id filter on /attachments used by HasWrite
// (the user_id filter on /activities is in the Go client); that
// SyncStatus.status is SYNCING while a sync runs (value from the
// reference). DefaultRateLimit is the Launch plan's 100/min; raise
// Config.RateLimit on higher plans.
//
// What Merge cannot do: reject an application (reject_reason and
// rejected_at are read-only), add a note or a file to an application (both
// belong to the candidate), or show a result link (hireloop writes the link
// as a candidate note instead). Applications carry no hired flag, so
// Application.Status is only active or rejected.
package merge

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "merge"

// Base URLs (the API version path included).
const (
	DefaultBaseURL = "https://api.merge.dev/api/ats/v1"
	EUBaseURL      = "https://api-eu.merge.dev/api/ats/v1"
	APBaseURL      = "https://api-ap.merge.dev/api/ats/v1"
	SandboxBaseURL = "https://api-sandbox.merge.dev/api/ats/v1"
)

// DefaultRateLimit is the Launch plan's budget per linked account
// (Professional: 400/min, Enterprise: 600/min; set Config.RateLimit).
var DefaultRateLimit = ats.RateLimit{Requests: 100, Per: time.Minute}

// MaxPageSize is Merge's page_size cap.
const MaxPageSize = 100

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Merge has no result-link field: hireloop adds the link, its label and attributes as a note (Activity) on the candidate."},
		ats.ActionNote: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Merge notes (Activities) belong to the candidate, not to one application."},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetCandidate, Transport: ats.TransportURLPull,
			Reason: "Merge downloads the file from a URL, so the report needs a link Merge can reach; files belong to the candidate."},
		ats.ActionMoveStage: {Supported: true, Target: ats.TargetApplication},
		ats.ActionReject: {Supported: false,
			Reason: "Merge's unified ATS API cannot reject an application (reject reason and rejection date are read-only); reject it in the ATS itself."},
		ats.ActionAddTag: {Supported: true, Target: ats.TargetCandidate,
			Reason: "Merge replaces the candidate's whole tag list, so hireloop reads it and writes it back with the new tag; a tag added in the ATS at the same moment can be lost."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-base64url",
		SignatureHeader: SignatureHeader, Setup: "ui"},
	Incremental: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelStages: true, ats.ModelCandidates: true, ats.ModelApplications: true,
		ats.ModelTags: true, ats.ModelRejectionReasons: true, ats.ModelUsers: true,
	},
	Deletions: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelStages: true, ats.ModelCandidates: true, ats.ModelApplications: true,
		ats.ModelTags: true, ats.ModelRejectionReasons: true, ats.ModelUsers: true,
	},
	StageScope:         ats.StagesPerJob,
	ActingUserRequired: true,
	ForceSync:          true,
	DefaultRateLimit:   DefaultRateLimit,
}

// Client is a Merge unified-ATS connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int

	caps ats.CapsCache
}

var (
	_ ats.Connector    = (*Client)(nil)
	_ ats.ForceSyncer  = (*Client)(nil)
	_ ats.WriteChecker = (*Client)(nil)
)

// New builds a client. APIKey and IntegrationID (the linked-account token)
// are required; ActingUserID is required for writes only.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Merge API key is required")
	}
	if cfg.IntegrationID == "" {
		return nil, ats.NotConfigured(Name, "new", "the linked account's Merge account token is required (integration id)")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BearerAuth{Token: cfg.APIKey},
		Header:           http.Header{"X-Account-Token": {cfg.IntegrationID}},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, MaxPageSize, MaxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// availableActions is GET /available-actions.
type availableActions struct {
	Integration struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
	} `json:"integration"`
	Operations []struct {
		ModelName           string   `json:"model_name"`
		AvailableOperations []string `json:"available_operations"`
	} `json:"available_model_operations"`
}

// Capabilities refines the declared capabilities with the linked
// account's GET /available-actions (cached for a few minutes): notes and
// result links need CREATE on Activity, attachments CREATE on Attachment.
// The operation names for stage changes and candidate updates are not
// documented, so those stay as declared and fail with Merge's own message
// where the ATS lacks them.
func (c *Client) Capabilities(ctx context.Context) (ats.Capabilities, error) {
	return c.caps.Get(func() (ats.Capabilities, error) {
		var aa availableActions
		if _, err := c.http.GetJSON(ctx, "/available-actions", nil, &aa); err != nil {
			return ats.Capabilities{}, err
		}
		return refine(declared, aa), nil
	})
}

func refine(d ats.Capabilities, aa availableActions) ats.Capabilities {
	cp := d.Clone()
	if len(aa.Operations) == 0 {
		return cp // nothing reported: keep the declared values
	}
	ops := map[string][]string{}
	for _, o := range aa.Operations {
		ops[o.ModelName] = o.AvailableOperations
	}
	tool := aa.Integration.Name
	if tool == "" {
		tool = "the connected ATS"
	}
	can := func(model, op string) bool {
		return slices.ContainsFunc(ops[model], func(s string) bool { return strings.EqualFold(s, op) })
	}
	if !can("Activity", "CREATE") {
		for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionResultLink} {
			cp.Writes[a] = ats.ActionSupport{Reason: "Merge cannot create notes (Activities) in " + tool + "."}
		}
	}
	if !can("Attachment", "CREATE") {
		cp.Writes[ats.ActionAttachment] = ats.ActionSupport{Reason: "Merge cannot add attachments in " + tool + "."}
	}
	return cp
}

// problem is one entry of a write response's errors[] or warnings[].
type problem struct {
	Source *struct {
		Pointer string `json:"pointer"`
	} `json:"source"`
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	ProblemType string `json:"problem_type"`
}

func (p problem) text() string {
	switch {
	case p.Detail != "" && p.Title != "" && !strings.Contains(p.Detail, p.Title):
		return p.Title + ": " + p.Detail
	case p.Detail != "":
		return p.Detail
	}
	return p.Title
}

// errorBody covers both error shapes Merge answers with: write validation
// {errors[], warnings[]} and Django-REST-style {"detail"}.
type errorBody struct {
	Detail json.RawMessage `json:"detail"`
	Error  json.RawMessage `json:"error"`
	Errors []problem       `json:"errors"`
}

// invalidInput turns errors[] into an InvalidInputError with the vendor's
// words and the JSON pointers as field names.
func invalidInput(ps []problem) (*ats.InvalidInputError, string) {
	iie := &ats.InvalidInputError{}
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.text())
		if p.Source != nil && p.Source.Pointer != "" {
			iie.Fields = append(iie.Fields, ats.FieldError{Field: p.Source.Pointer, Message: p.text()})
		}
	}
	iie.VendorMessage = strings.Join(msgs, "; ")
	code := ""
	if len(ps) > 0 {
		code = ps[0].ProblemType
	}
	return iie, code
}

func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return nil, "", "", ""
	}
	if len(e.Errors) > 0 {
		iie, code := invalidInput(e.Errors)
		switch status {
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict:
			return iie, code, iie.VendorMessage, ""
		}
		return nil, code, iie.VendorMessage, ""
	}
	msg := ats.FlexName(e.Detail)
	if msg == "" {
		msg = ats.FlexName(e.Error)
	}
	if msg == "" && len(e.Detail) > 0 && e.Detail[0] == '[' {
		var list []string
		_ = json.Unmarshal(e.Detail, &list)
		msg = strings.Join(list, "; ")
	}
	return nil, "", msg, ""
}

// AccountDetails is GET /account-details: the linked account behind the
// account token. ID is what webhook deliveries carry as linked_account.id
// (WebhookEvent.ConnectionRef), so an app serving several linked accounts
// from one webhook URL can store it to route deliveries.
type AccountDetails struct {
	ID               string `json:"id"`
	Integration      string `json:"integration"`
	IntegrationSlug  string `json:"integration_slug"`
	Status           string `json:"status"`
	EndUserOriginID  string `json:"end_user_origin_id"`
	EndUserOrgName   string `json:"end_user_organization_name"`
	EndUserEmail     string `json:"end_user_email_address"`
	WebhookListenURL string `json:"webhook_listener_url"`
	AccountType      string `json:"account_type"`
}

// AccountDetails reads GET /account-details.
func (c *Client) AccountDetails(ctx context.Context) (AccountDetails, error) {
	var ad AccountDetails
	_, err := c.http.GetJSON(ctx, "/account-details", nil, &ad)
	return ad, err
}

// Test checks the key and account token (GET /account-details), the
// linked account's state and that a list endpoint answers.
func (c *Client) Test(ctx context.Context) error {
	ad, err := c.AccountDetails(ctx)
	if err != nil {
		return err
	}
	tool := ad.Integration
	if tool == "" {
		tool = "the ATS"
	}
	switch strings.ToUpper(ad.Status) {
	case "RELINK_NEEDED":
		return &ats.Error{Provider: Name, Op: "test", Message: "the " + tool +
			" credentials stored in Merge no longer work; ask the customer to relink the account in Merge Link", Err: ats.ErrUnauthorized}
	case "INCOMPLETE":
		return &ats.Error{Provider: Name, Op: "test", Message: "the linked account's setup in Merge is incomplete", Err: ats.ErrNotReady}
	}
	var p page
	_, err = c.http.GetJSON(ctx, "/jobs", url.Values{"page_size": {"1"}}, &p)
	return err
}

// SyncStatus is one model's entry of GET /sync-status.
type SyncStatus struct {
	ModelName      string       `json:"model_name"`
	ModelID        string       `json:"model_id"`
	LastSyncStart  ats.FlexTime `json:"last_sync_start"`
	NextSyncStart  ats.FlexTime `json:"next_sync_start"`
	LastSyncResult string       `json:"last_sync_result"`
	Status         string       `json:"status"`
	IsInitialSync  bool         `json:"is_initial_sync"`
}

// SyncStatuses reads GET /sync-status: when Merge last synced each model
// from the ATS and whether a sync is running.
func (c *Client) SyncStatuses(ctx context.Context) ([]SyncStatus, error) {
	var out []SyncStatus
	err := c.listRaw(ctx, "/sync-status", nil, ats.ListOptions{}, func(rows []json.RawMessage) error {
		for _, r := range rows {
			var s SyncStatus
			if err := json.Unmarshal(r, &s); err != nil {
				return &ats.Error{Provider: Name, Op: "GET /sync-status", Message: "invalid JSON in response: " + err.Error(), Err: ats.ErrMalformedResponse}
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// ForceSync asks Merge to re-sync every model of the linked account from
// the ATS now (POST /sync-status/resync). Merge has one kind of resync, so
// full is ignored and Type is "FULL". It consumes a sync credit and is
// available only on plans with programmatic resync: use it for a user's
// "Synchronize now" button, not on a schedule. AlreadyQueued reports that
// GET /sync-status already showed a sync running, in which case no resync
// is requested.
func (c *Client) ForceSync(ctx context.Context, _ bool) (ats.SyncTrigger, error) {
	statuses, err := c.SyncStatuses(ctx)
	if err != nil {
		return ats.SyncTrigger{}, err
	}
	for _, s := range statuses {
		if strings.EqualFold(s.Status, "SYNCING") {
			return ats.SyncTrigger{Type: "FULL", AlreadyQueued: true}, nil
		}
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/sync-status/resync"})
	if err != nil {
		return ats.SyncTrigger{}, err
	}
	// The answer is the per-model SyncStatus list; Merge returns no sync id.
	var after []SyncStatus
	if err := c.http.DecodeJSON(resp, &after); err != nil {
		return ats.SyncTrigger{}, err
	}
	return ats.SyncTrigger{Type: "FULL"}, nil
}

func pathEsc(s string) string { return url.PathEscape(s) }
