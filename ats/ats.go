// Package ats is hireloop's vendor-neutral view of an applicant tracking
// system (ATS): a unified data model, a small Connector interface that every
// vendor package implements, a registry that maps provider names to
// constructors, typed errors, declared capabilities and one shared HTTP layer
// (rate limiting, retries, size caps, logging) that all connectors use.
//
// Why a single interface with page callbacks: sync jobs must work for
// accounts with hundreds of thousands of applications on a small self-hosted
// box, so reads are streamed page by page (nothing holds the whole data set)
// and the caller decides what to persist between pages. Writes are never
// retried here because most vendor write endpoints are not idempotent
// (a retried note is a duplicate note); the caller's job queue owns retries
// and uses IsTransient to decide.
//
// Vendor packages live in ats/<vendor> and register themselves in init();
// import them for side effects (`_ "github.com/hireloop/hireloop/ats/greenhouse"`)
// and construct them with New.
package ats

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"
)

// Connector is what every ATS integration implements. Methods a vendor cannot
// support return an error wrapping ErrUnsupported; Capabilities says so in
// advance, with a human reason, so the UI can hide the action.
type Connector interface {
	// Name is the registry name, e.g. "greenhouse".
	Name() string
	// Test performs cheap authenticated reads so "Test connection" can report
	// a bad key or a missing permission before the first sync.
	Test(ctx context.Context) error
	// Capabilities returns what this connection can do. Connectors whose
	// vendor reports capabilities at runtime (Kombo) refine the declared
	// defaults with a network call; others return static values.
	Capabilities(ctx context.Context) (Capabilities, error)
	// Stats returns request counters for the sync-run summary.
	Stats() Stats

	Reader
	Writer
	WebhookHandler
}

// Reader streams vendor data page by page. The callback receives each page
// in vendor order; returning an error stops paging and is returned as is.
// Slices passed to the callback are not reused, so callers may keep them.
type Reader interface {
	ListJobs(ctx context.Context, opts ListOptions, fn func([]Job) error) error
	ListStages(ctx context.Context, opts ListOptions, fn func([]Stage) error) error
	ListCandidates(ctx context.Context, opts ListOptions, fn func([]Candidate) error) error
	ListApplications(ctx context.Context, opts ListOptions, fn func([]Application) error) error
	ListTags(ctx context.Context, opts ListOptions, fn func([]Tag) error) error
	ListRejectionReasons(ctx context.Context, opts ListOptions, fn func([]RejectionReason) error) error
	ListUsers(ctx context.Context, opts ListOptions, fn func([]User) error) error
}

// Writer performs write-back. Each call makes the vendor requests once and
// returns a typed error on failure; it never retries on its own.
type Writer interface {
	AddResultLink(ctx context.Context, in ResultLink) (WriteResult, error)
	AddNote(ctx context.Context, in Note) (WriteResult, error)
	AddAttachment(ctx context.Context, in Attachment) (WriteResult, error)
	MoveToStage(ctx context.Context, in StageMove) (WriteResult, error)
	Reject(ctx context.Context, in Rejection) (WriteResult, error)
	AddTag(ctx context.Context, in TagAssignment) (WriteResult, error)
}

// WebhookHandler verifies and decodes vendor webhook deliveries. Both take
// the raw request headers and body: signatures cover the exact bytes
// received, and some vendors (Greenhouse) put the delivery id in a header.
type WebhookHandler interface {
	// VerifyWebhook checks the delivery signature in constant time. It
	// returns an error wrapping ErrInvalidSignature when the signature is
	// missing or wrong, and ErrWebhookSecretMissing when secret is empty.
	VerifyWebhook(headers http.Header, body []byte, secret string) error
	// ParseWebhook reports what changed. Call it only after VerifyWebhook.
	ParseWebhook(headers http.Header, body []byte) (WebhookEvent, error)
}

// ForceSyncer is implemented by connectors whose vendor can be asked to
// refresh its own copy (unified APIs such as Kombo). Use it for a user's
// "Synchronize now" button, not on a schedule.
type ForceSyncer interface {
	ForceSync(ctx context.Context, full bool) (SyncTrigger, error)
}

// SyncTrigger is the vendor's answer to ForceSync.
type SyncTrigger struct {
	SyncID        string
	Type          string // "FULL" or "DELTA" as reported by the vendor
	AlreadyQueued bool
}

// ListOptions narrows a read.
type ListOptions struct {
	// UpdatedAfter, when non-zero, asks for rows changed at or after this
	// instant (vendor semantics vary; see Capabilities.Incremental). Rows
	// of models without incremental support are always returned in full.
	UpdatedAfter time.Time
	// IncludeDeleted asks vendors that report deletions to include deleted
	// rows (with Deleted set) so the store can tombstone them.
	IncludeDeleted bool
}

// Config configures one connection. Zero values pick vendor defaults.
type Config struct {
	// BaseURL overrides the vendor API root, e.g. Kombo's US data center,
	// a sandbox, or a corporate egress proxy. Include the version path
	// ("https://harvest.greenhouse.io/v1").
	BaseURL string
	// APIKey is the vendor credential: an API key or token, or the OAuth
	// client secret where the vendor uses client credentials (Greenhouse
	// Harvest v3, Personio).
	APIKey string
	// IntegrationID selects the end customer's account (Kombo integration,
	// Merge linked account, Recruitee company) or is the OAuth client id
	// (Greenhouse Harvest v3, Personio).
	IntegrationID string
	// ActingUserID is the vendor user id writes are attributed to
	// (Greenhouse v1 On-Behalf-Of, Greenhouse v3 token sub, Lever
	// perform_as, Workable member_id).
	ActingUserID string
	// WebhookSecret is the shared secret for VerifyWebhook; connectors keep
	// it so callers can pass cfg.WebhookSecret back in.
	WebhookSecret string
	// HTTP tunes the shared HTTP layer.
	HTTP HTTPSettings
	// RateLimit overrides the vendor's documented request budget.
	RateLimit RateLimit
	// PageSize overrides the page size (tests use small pages).
	PageSize int
	// Logger receives debug request logs; nil discards them.
	Logger *slog.Logger
}

// HTTPSettings tunes the shared HTTP layer. Zero values pick defaults.
type HTTPSettings struct {
	// Timeout bounds one attempt (default 60s).
	Timeout time.Duration
	// MaxResponseBytes caps a response body (default 32 MiB).
	MaxResponseBytes int64
	// MaxRetries bounds retries of reads (default 5). Negative disables.
	MaxRetries int
	// MinBackoff and MaxBackoff bound exponential backoff (defaults 500ms, 30s).
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After a read will sleep through
	// before giving up with a RateLimitedError (default 2 minutes).
	MaxRetryAfter time.Duration
	// Transport replaces http.DefaultTransport (tests, proxies).
	Transport http.RoundTripper
	// UserAgentVersion overrides the version in the User-Agent.
	UserAgentVersion string
}

// RateLimit is a request budget: Requests per Per.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// IsZero reports whether no budget was set.
func (r RateLimit) IsZero() bool { return r.Requests <= 0 || r.Per <= 0 }

// String renders "50/10s".
func (r RateLimit) String() string { return fmt.Sprintf("%d/%s", r.Requests, r.Per) }

// Factory builds a connector from a Config.
type Factory func(Config) (Connector, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a connector available under name. It panics on duplicate
// or empty names because both are programming errors caught at init time.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || f == nil {
		panic("ats: Register with empty name or nil factory")
	}
	if _, dup := registry[name]; dup {
		panic("ats: Register called twice for " + name)
	}
	registry[name] = f
}

// Providers lists registered connector names, sorted.
func Providers() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the connector registered under name.
func New(name string, cfg Config) (Connector, error) {
	registryMu.RLock()
	f, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("ats: unknown provider %q (known: %v)", name, Providers())
	}
	return f(cfg)
}

// unregisterForTest removes a provider; used by registry tests only.
func unregisterForTest(name string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	delete(registry, name)
}

// containsModel is a tiny helper shared by webhook code.
func containsModel(ms []Model, m Model) bool { return slices.Contains(ms, m) }
