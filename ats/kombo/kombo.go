// Package kombo connects hireloop to ~100 ATSs through Kombo's unified ATS
// API (https://docs.kombo.dev, API reference https://docs.kombo.dev/ats/v1).
//
// Facts confirmed in Kombo's docs (docs.kombo.dev pages read via the search
// index: guides/errors, webhooks, api-reference/data-changed,
// ats/v1/post-force-sync, ats/v1/get-integrations-integration-id,
// ats/important-changes) and in shared/reference/ats-apis.md (which cites
// Kombo's OpenAPI 3.1 spec):
//   - https://api.kombo.dev/v1 (EU) and https://api.us.kombo.dev/v1 (US);
//     Authorization: Bearer <key> plus X-Integration-Id.
//   - Envelopes {"status":"success","data":{"next","results"}} and
//     {"status":"error","error":{code,title,message,log_url}}; branch on
//     error.code, fall back to the HTTP status only without a code. Safe to
//     retry: PLATFORM.RATE_LIMIT_EXCEEDED, REMOTE.RATE_LIMIT_EXCEEDED,
//     REMOTE.SERVICE_UNAVAILABLE, HTTP 503. Since 2026-05-19
//     INTEGRATION.SETUP_INCOMPLETE / SETUP_SYNC_PENDING / QA_FAILED return
//     409 instead of 503.
//   - Cursor paging (cursor = previous data.next, page_size ≤ 250),
//     updated_after=YYYY-MM-DDTHH:mm:ss.sssZ and include_deleted=true.
//   - Stages come from jobs[].stages (GET /ats/application-stages is
//     deprecated); the seven writes below; POST /force-sync {type} →
//     {already_queued, sync_id, type}, for a user's button only.
//   - GET /integrations/{id} → status ACTIVE|INVALID|INACTIVE, setup_status,
//     and per-model/per-action {is_available, coverage_status,
//     scope_config_setting, opted_out_by_customer}.
//   - Webhooks: X-Kombo-Signature = base64url (no "=" padding) of
//     HMAC-SHA256(secret, raw body); data-changed carries
//     data.changed_models[].name such as "ats_applications".
//
// Inferred (check against a Kombo sandbox): the write_actions ids for move
// and reject (ats_move_application_to_stage, ats_reject_application; the
// note/result-link/attachment/tag ids are from the reference); the error
// codes for bad credentials (mapped by the word AUTHENTICATION and by HTTP
// 401) and for unknown ids (by NOT_FOUND and HTTP 404); the users endpoint
// fields; job department/location and screening_questions[].format shapes
// (decoded leniently); a default budget of 10 requests/s since Kombo
// publishes no numbers; Retry-After on Kombo 429s.
package kombo

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Name is the registry name.
const Name = "kombo"

// Base URLs.
const (
	DefaultBaseURL = "https://api.kombo.dev/v1"
	USBaseURL      = "https://api.us.kombo.dev/v1"
)

// DefaultRateLimit is a conservative guess; Kombo publishes no numbers.
var DefaultRateLimit = ats.RateLimit{Requests: 10, Per: time.Second}

const maxPageSize = 250

func init() {
	ats.Register(Name, func(cfg ats.Config) (ats.Connector, error) { return New(cfg) })
	ats.Declare(Name, declared)
	ats.RegisterInfo(Name, info)
}

// Client is a Kombo unified-ATS connector.
type Client struct {
	http     *ats.Client
	cfg      ats.Config
	pageSize int

	caps ats.CapsCache
}

var (
	_ ats.Connector   = (*Client)(nil)
	_ ats.ForceSyncer = (*Client)(nil)
)

// New builds a client. APIKey and IntegrationID are required.
func New(cfg ats.Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ats.NotConfigured(Name, "new", "a Kombo API key is required")
	}
	if cfg.IntegrationID == "" {
		return nil, ats.NotConfigured(Name, "new", "a Kombo integration id is required (e.g. greenhouse:HWUTwvyx2wLoSUHphiWVrp28)")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hc, err := ats.NewClient(ats.ClientOptions{
		Provider:         Name,
		BaseURL:          base,
		Auth:             ats.BearerAuth{Token: cfg.APIKey},
		Header:           http.Header{"X-Integration-Id": {cfg.IntegrationID}},
		DefaultRateLimit: DefaultRateLimit,
		DecodeError:      decodeError,
		Config:           cfg,
	})
	if err != nil {
		return nil, err
	}
	ps := ats.PageSize(cfg.PageSize, maxPageSize, maxPageSize)
	return &Client{http: hc, cfg: cfg, pageSize: ps}, nil
}

// Name implements ats.Connector.
func (c *Client) Name() string { return Name }

// Stats implements ats.Connector.
func (c *Client) Stats() ats.Stats { return c.http.Stats() }

// errorBody is Kombo's error envelope.
type errorBody struct {
	Status string `json:"status"`
	Error  struct {
		Code    *string `json:"code"`
		Title   *string `json:"title"`
		Message string  `json:"message"`
		LogURL  *string `json:"log_url"`
	} `json:"error"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// decodeError classifies by error.code first, as Kombo asks.
func decodeError(status int, _ http.Header, body []byte) (error, string, string, string) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil || e.Status != "error" {
		return nil, "", "", ""
	}
	code, msg, logURL := deref(e.Error.Code), e.Error.Message, deref(e.Error.LogURL)
	if msg == "" {
		msg = deref(e.Error.Title)
	}
	return kindForCode(code, msg), code, msg, logURL
}

func kindForCode(code, msg string) error {
	switch code {
	case "PLATFORM.RATE_LIMIT_EXCEEDED", "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", "REMOTE.RATE_LIMIT_EXCEEDED":
		return &ats.RateLimitedError{}
	case "REMOTE.SERVICE_UNAVAILABLE", "INTEGRATION.SETUP_SYNC_PENDING":
		return ats.ErrUnavailable
	case "PLATFORM.INPUT_INVALID", "REMOTE.INPUT_INVALID", "ATS.JOB_CLOSED", "ATS.APPLICATION_ALREADY_EXISTS":
		return &ats.InvalidInputError{VendorMessage: msg}
	case "INTEGRATION.ACTION_NOT_AVAILABLE", "INTEGRATION.ACTION_DISABLED", "INTEGRATION.MODEL_NOT_AVAILABLE", "INTEGRATION.MODEL_DISABLED":
		return ats.ErrUnsupported
	case "INTEGRATION.SETUP_INCOMPLETE", "INTEGRATION.QA_FAILED", "INTEGRATION.INACTIVE":
		return ats.ErrNotReady
	}
	switch {
	case strings.Contains(code, "AUTHENTICATION"), strings.Contains(code, "UNAUTHORIZED"):
		return ats.ErrUnauthorized
	case strings.HasSuffix(code, "NOT_FOUND"):
		return ats.ErrNotFound
	}
	return nil // fall back to the HTTP status
}

// envelope is the success wrapper.
type envelope[T any] struct {
	Status   string `json:"status"`
	Data     T      `json:"data"`
	Warnings []struct {
		Message string `json:"message"`
	} `json:"warnings"`
}

type integration struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Setup  string `json:"setup_status"`
	Tool   struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"tool"`
	WriteActions []coverage `json:"write_actions"`
}

type coverage struct {
	ID                 string `json:"id"`
	Label              string `json:"label"`
	IsAvailable        bool   `json:"is_available"`
	CoverageStatus     string `json:"coverage_status"`
	ScopeConfigSetting string `json:"scope_config_setting"`
	OptedOutByCustomer bool   `json:"opted_out_by_customer"`
}

func (c *Client) integration(ctx context.Context) (integration, error) {
	var env envelope[integration]
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/integrations/" + pathEsc(c.cfg.IntegrationID), OpName: "/integrations/{id}"})
	if err != nil {
		return integration{}, err
	}
	return env.Data, c.http.DecodeJSON(resp, &env)
}

// Test checks the key and integration and that reads are possible.
func (c *Client) Test(ctx context.Context) error {
	in, err := c.integration(ctx)
	if err != nil {
		return err
	}
	switch in.Status {
	case "INVALID":
		return &ats.Error{Provider: Name, Op: "test", Message: "the " + in.Tool.Label +
			" credentials stored in Kombo are invalid; ask the customer to reconnect the integration", Err: ats.ErrUnauthorized}
	case "INACTIVE":
		return &ats.Error{Provider: Name, Op: "test", Message: "the integration is set to inactive in Kombo", Err: ats.ErrNotReady}
	}
	var env envelope[page]
	_, err = c.http.GetJSON(ctx, "/ats/jobs", map[string][]string{"page_size": {"1"}}, &env)
	return err
}

// ForceSync asks Kombo to sync now (POST /force-sync). One sync runs at a
// time; AlreadyQueued reports a running one. For "Synchronize now" only.
func (c *Client) ForceSync(ctx context.Context, full bool) (ats.SyncTrigger, error) {
	typ := "DELTA"
	if full {
		typ = "FULL"
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/force-sync", JSON: map[string]string{"type": typ}})
	if err != nil {
		return ats.SyncTrigger{}, err
	}
	var env envelope[struct {
		AlreadyQueued bool   `json:"already_queued"`
		SyncID        string `json:"sync_id"`
		Type          string `json:"type"`
	}]
	if err := c.http.DecodeJSON(resp, &env); err != nil {
		return ats.SyncTrigger{}, err
	}
	return ats.SyncTrigger{SyncID: env.Data.SyncID, Type: env.Data.Type, AlreadyQueued: env.Data.AlreadyQueued}, nil
}

func pathEsc(s string) string {
	r := strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23", " ", "%20")
	return r.Replace(s)
}
