package ats

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// WriteAction names a write-back operation.
type WriteAction string

// Write actions, one per Writer method.
const (
	ActionResultLink WriteAction = "result_link"
	ActionNote       WriteAction = "note"
	ActionAttachment WriteAction = "attachment"
	ActionMoveStage  WriteAction = "move_stage"
	ActionReject     WriteAction = "reject"
	ActionAddTag     WriteAction = "add_tag"
)

// AllActions lists every write action in the order the write-back job runs
// them (design implication 5: link, note, PDF, tag, then move or reject).
var AllActions = []WriteAction{ActionResultLink, ActionNote, ActionAttachment, ActionAddTag, ActionMoveStage, ActionReject}

// Target is the object a write lands on.
type Target string

// Targets.
const (
	TargetApplication Target = "application"
	TargetCandidate   Target = "candidate"
)

// Transport is how an attachment reaches the vendor.
type Transport string

// Attachment transports (design implication 6).
const (
	TransportBase64    Transport = "base64"    // bytes inline in JSON
	TransportMultipart Transport = "multipart" // multipart/form-data upload
	TransportURLPull   Transport = "url_pull"  // vendor fetches a public URL
)

// StageScope says where stage ids come from.
type StageScope string

// Stage scopes.
const (
	StagesPerJob      StageScope = "per_job"      // each job has its own stages (Greenhouse, Kombo)
	StagesAccountWide StageScope = "account_wide" // one list for all jobs (Lever, BambooHR)
	StagesFixed       StageScope = "fixed"        // fixed statuses (SmartRecruiters, Zoho)
)

// ActionSupport describes one write action on one connection.
type ActionSupport struct {
	Supported bool
	// Reason explains, for a human, why the action is unsupported (or a
	// caveat when supported).
	Reason string
	Target Target
	// Transport applies to ActionAttachment only.
	Transport Transport
}

// WebhookSupport describes inbound webhooks.
type WebhookSupport struct {
	Supported bool `json:"supported"`
	// SignatureScheme names the verification scheme, e.g.
	// "hmac-sha256-hex" (Greenhouse) or "hmac-sha256-base64url" (Kombo).
	SignatureScheme string `json:"signature_scheme"`
	// SignatureHeader is the header carrying the signature.
	SignatureHeader string `json:"signature_header"`
	// Setup says how webhooks are registered: "ui" (admin pastes our URL
	// into the vendor UI) or "api".
	Setup string `json:"setup"`
}

// Capabilities is what one connection can do. Connectors declare defaults
// and refine them at runtime where the vendor reports coverage (Kombo).
type Capabilities struct {
	Provider string
	Writes   map[WriteAction]ActionSupport
	Webhooks WebhookSupport
	// Incremental is true for models whose reads honour UpdatedAfter.
	Incremental map[Model]bool
	// Deletions is true for models whose reads report deleted rows.
	Deletions  map[Model]bool
	StageScope StageScope
	// ActingUserRequired: writes need Config.ActingUserID.
	ActingUserRequired bool
	// ForceSync: the connector implements ForceSyncer.
	ForceSync bool
	// DefaultRateLimit is the documented budget the client starts with.
	DefaultRateLimit RateLimit
}

// Supports reports whether a is supported.
func (c Capabilities) Supports(a WriteAction) bool { return c.Writes[a].Supported }

// Check returns nil when a is supported and an ErrUnsupported error with
// the human reason otherwise; connectors call it first in every write.
func (c Capabilities) Check(a WriteAction) error {
	s, ok := c.Writes[a]
	if ok && s.Supported {
		return nil
	}
	reason := s.Reason
	if reason == "" {
		reason = fmt.Sprintf("%s does not support %s", c.Provider, a)
	}
	return Unsupported(c.Provider, string(a), reason)
}

// Clone returns a deep copy so runtime refinement does not mutate shared
// declared defaults.
func (c Capabilities) Clone() Capabilities {
	out := c
	out.Writes = make(map[WriteAction]ActionSupport, len(c.Writes))
	for k, v := range c.Writes {
		out.Writes[k] = v
	}
	out.Incremental = make(map[Model]bool, len(c.Incremental))
	for k, v := range c.Incremental {
		out.Incremental[k] = v
	}
	out.Deletions = make(map[Model]bool, len(c.Deletions))
	for k, v := range c.Deletions {
		out.Deletions[k] = v
	}
	return out
}

// Validate checks internal consistency: every action is declared, and
// supported actions name a target (and a transport for attachments).
// Connector tests call it on their declared capabilities.
func (c Capabilities) Validate() error {
	for _, a := range AllActions {
		s, ok := c.Writes[a]
		if !ok {
			return fmt.Errorf("capabilities: %s: action %s not declared", c.Provider, a)
		}
		if !s.Supported && s.Reason == "" {
			return fmt.Errorf("capabilities: %s: unsupported action %s needs a reason", c.Provider, a)
		}
		if s.Supported && s.Target == "" {
			return fmt.Errorf("capabilities: %s: action %s needs a target", c.Provider, a)
		}
		if a == ActionAttachment && s.Supported && s.Transport == "" {
			return fmt.Errorf("capabilities: %s: attachment needs a transport", c.Provider)
		}
	}
	if !slices.Contains([]StageScope{StagesPerJob, StagesAccountWide, StagesFixed}, c.StageScope) {
		return fmt.Errorf("capabilities: %s: unknown stage scope %q", c.Provider, c.StageScope)
	}
	if c.Webhooks.Supported && (c.Webhooks.SignatureScheme == "" || c.Webhooks.SignatureHeader == "") {
		return fmt.Errorf("capabilities: %s: webhooks need a signature scheme and header", c.Provider)
	}
	return nil
}

// CapsCache keeps capabilities a unified API reports at runtime (Kombo's
// integration write actions, Merge's available actions) for TTL, so a
// sync that asks before every write makes one lookup, not one per write.
// The zero value holds nothing; a zero TTL means five minutes.
type CapsCache struct {
	TTL time.Duration

	mu   sync.Mutex
	caps *Capabilities
	at   time.Time
}

// Get returns the cached capabilities, or loads, caches and returns them.
// A failed load is not cached. Callers get their own copy.
func (c *CapsCache) Get(load func() (Capabilities, error)) (Capabilities, error) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caps != nil && time.Since(c.at) < ttl {
		return c.caps.Clone(), nil
	}
	cp, err := load()
	if err != nil {
		return Capabilities{}, err
	}
	c.caps, c.at = &cp, time.Now()
	return cp.Clone(), nil
}
