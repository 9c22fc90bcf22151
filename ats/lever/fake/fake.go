// Package fake is an in-process Lever v1 server for tests. It speaks the
// wire format the connector relies on (see the lever package doc for which
// parts are confirmed and which inferred): Basic auth with the key as
// username, the {data, hasNext, next} envelope with limit (1–100) and an
// opaque, percent-encoded offset token, ms-epoch timestamps and
// updated_at_start / deleted_at_start filters, contact_id on
// /opportunities, expand=applications and expand=stage, {"code","message"}
// error bodies, 429 with a Retry-After in seconds, ?perform_as on writes
// and the write endpoints hireloop uses with their side effects (every
// write bumps the opportunity's updatedAt so incremental sync sees it).
//
// Lever signs webhooks inside the body, so SignWebhook adds no signature
// header; SignedDelivery builds a signed body.
//
// Fault injection: faults are consumed by every request except the
// contact → opportunities look-up (GET /opportunities?contact_id=) that
// AddTag makes before writing, so the conformance suite's write fault
// cases reach the write itself. Tests of the look-up's own failures use
// FailLookups.
package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data. Generation is deterministic.
// ExtraOpportunities adds second opportunities for the first contacts.
type Seed struct {
	Postings, Stages, Contacts, ExtraOpportunities, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses: 23 contacts with 26
// opportunities (contacts 0–2 have two), 3 postings, 5 stages.
var SmallSeed = Seed{Postings: 3, Stages: 5, Contacts: 23, ExtraOpportunities: 3, Tags: 4, RejectionReasons: 3, Users: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// ID builds a deterministic UUID-shaped id.
func ID(kind, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, i) }

// UserID is the id of the i-th seeded user (use UserID(0) as perform_as).
func UserID(i int) string { return ID(kindUser, i) }

// OpportunityID is the id of the i-th seeded opportunity.
func OpportunityID(i int) string { return ID(kindOpportunity, i) }

// PostingID is the id of the i-th seeded posting.
func PostingID(i int) string { return ID(kindPosting, i) }

const (
	kindPosting = iota + 1
	kindContact
	kindOpportunity
	kindUser
	kindReason
	kindNote
	kindFile
	kindStage
	kindWebhook
)

type Posting struct {
	ID        string
	Text      string
	State     string
	Dept      string
	Team      string
	Location  string
	HTML      string
	HasForm   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

type Stage struct{ ID, Text string }

type Reason struct{ ID, Text, Type string }

type User struct{ ID, Name, Email string }

type Phone struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type Opportunity struct {
	ID         string
	Name       string
	Contact    string
	StageID    string
	Emails     []string
	Phones     []Phone
	Tags       []string
	Links      []string
	PostingID  string
	AppID      string
	ArchivedAt time.Time
	ReasonID   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Note is a recorded opportunity note.
type Note struct {
	OpportunityID, Value, PerformAs string
	Secret                          bool
}

// File is a recorded upload.
type File struct {
	OpportunityID, Name, ContentType string
	Data                             []byte
}

type deleted struct {
	ID        string
	DeletedAt time.Time
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	APIKey string

	mu          sync.Mutex
	clock       time.Time
	postings    []*Posting
	stages      []*Stage
	reasons     []*Reason
	users       []*User
	tags        []string
	opps        []*Opportunity
	deleted     []deleted
	notes       []Note
	files       []File
	nextID      int
	failLookups atstest.Countdown
	webhooks    []Webhook
	// failWebhookAfter > 0 fails the POST /webhooks that brings it to 0
	// (see FailWebhookCreateAfter).
	failWebhookAfter int
}

// Webhook is a subscription made through POST /webhooks.
type Webhook struct {
	ID, Event, URL, SignatureToken string
}

// Webhooks returns the current webhook subscriptions.
func (f *Fake) Webhooks() []Webhook {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.webhooks)
}

// FailWebhookCreateAfter makes POST /webhooks answer 500 once n more
// creations have succeeded.
func (f *Fake) FailWebhookCreateAfter(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWebhookAfter = n + 1
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(apiKey string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the v1 base URL of the fake.
func (f *Fake) URL() string { return f.Server.URL + "/v1" }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Second) }

func (f *Fake) seed(s Seed) {
	desc := "<div>We’re looking for a <b>Go engineer</b>.</div><ul><li>Remote</li><li>Equity</li></ul>"
	states := []string{"published", "closed", "internal", "draft"}
	for j := 0; j < s.Postings; j++ {
		f.postings = append(f.postings, &Posting{ID: ID(kindPosting, j), Text: fmt.Sprintf("Engineer %d", j), State: states[j%len(states)],
			Dept: "Research & Development", Team: "Engineering", Location: "San Francisco, CA", HTML: desc,
			HasForm: j%3 != 2, CreatedAt: ts(j), UpdatedAt: ts(j)})
	}
	names := []string{"lead-new", "applicant-new", "AI Interview", "Onsite", "Offer", "Reference Check"}
	for k := 0; k < s.Stages; k++ {
		id := ID(kindStage, k)
		if k < 2 {
			id = names[k] // Lever's built-in stages have readable ids
		}
		f.stages = append(f.stages, &Stage{ID: id, Text: names[k%len(names)]})
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Reason{ID: ID(kindReason, i), Text: fmt.Sprintf("Reason %d", i), Type: "non-hired"})
	}
	f.reasons = append(f.reasons, &Reason{ID: ID(kindReason, 99), Text: "Hired", Type: "hired"})
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &User{ID: ID(kindUser, i), Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("user%d@example.com", i)})
	}
	for i := 0; i < s.Tags; i++ {
		f.tags = append(f.tags, fmt.Sprintf("tag-%d", i))
	}
	n := s.Contacts + min(s.ExtraOpportunities, s.Contacts)
	for i := 0; i < n && s.Postings > 0 && s.Stages > 0; i++ {
		ci := i
		if i >= s.Contacts {
			ci = i - s.Contacts
		}
		p := f.postings[i%s.Postings]
		o := &Opportunity{ID: ID(kindOpportunity, i), Name: fmt.Sprintf("First%d Last%d", ci, ci), Contact: ID(kindContact, ci),
			StageID: f.stages[i%max(1, s.Stages-1)].ID, Emails: []string{fmt.Sprintf("cand%d@example.com", ci)},
			Phones: []Phone{{Type: "mobile", Value: fmt.Sprintf("+1 555 %07d", ci)}}, Tags: []string{},
			Links: []string{}, PostingID: p.ID, AppID: ID(kindOpportunity+100, i), CreatedAt: ts(i), UpdatedAt: ts(i)}
		if s.Tags > 0 && ci%2 == 0 {
			o.Tags = append(o.Tags, f.tags[ci%s.Tags])
		}
		switch {
		case i == 5 && s.RejectionReasons > 0:
			o.ArchivedAt, o.ReasonID = ts(i), f.reasons[0].ID
		case i == 7:
			o.ArchivedAt, o.ReasonID = ts(i), f.reasons[len(f.reasons)-1].ID
		}
		f.opps = append(f.opps, o)
	}
	f.clock = ts(max(n, s.Postings))
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	contacts := map[string]bool{}
	for _, o := range f.opps {
		contacts[o.Contact] = true
	}
	nonHired := 0
	for _, r := range f.reasons {
		if r.Type != "hired" {
			nonHired++
		}
	}
	return atstest.Counts{Jobs: len(f.postings), Stages: len(f.stages), Candidates: len(contacts), Applications: len(f.opps),
		Tags: len(f.tags), RejectionReasons: nonHired, Users: len(f.users)}
}

// Samples implements atstest.Fake: the first opportunity (active), another
// stage and the first non-hired archive reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.opps[0]
	other := ""
	for _, st := range f.stages {
		if st.ID != o.StageID {
			other = st.ID
			break
		}
	}
	return atstest.Samples{ApplicationID: o.ID, CandidateID: o.Contact, JobID: o.PostingID, StageID: o.StageID,
		OtherStageID: other, RejectionReasonID: f.reasons[0].ID}
}

func (f *Fake) opp(id string) *Opportunity {
	for _, o := range f.opps {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.opp(appID)
	if o == nil || !slices.ContainsFunc(f.stages, func(s *Stage) bool { return s.ID == stageID }) {
		panic("fake: MoveApplication: unknown opportunity or stage")
	}
	o.StageID = stageID
	o.UpdatedAt = f.tick()
}

// TouchCandidate implements atstest.Fake: a contact change bumps every
// opportunity of the contact.
func (f *Fake) TouchCandidate(contactID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tick()
	hit := false
	for _, o := range f.opps {
		if o.Contact == contactID {
			o.UpdatedAt, hit = t, true
		}
	}
	if !hit {
		panic("fake: TouchCandidate: unknown contact")
	}
}

// DeleteCandidate implements atstest.Fake: the contact's opportunities are
// deleted and reported by GET /opportunities/deleted.
func (f *Fake) DeleteCandidate(contactID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tick()
	f.opps = slices.DeleteFunc(f.opps, func(o *Opportunity) bool {
		if o.Contact == contactID {
			f.deleted = append(f.deleted, deleted{ID: o.ID, DeletedAt: t})
			return true
		}
		return false
	})
}

// Opportunity returns a copy of an opportunity.
func (f *Fake) Opportunity(id string) (Opportunity, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.opp(id)
	if o == nil {
		return Opportunity{}, false
	}
	return *o, true
}

// Notes returns the notes written so far.
func (f *Fake) Notes() []Note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Note(nil), f.notes...)
}

// Files returns the files uploaded so far.
func (f *Fake) Files() []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]File(nil), f.files...)
}

// FailLookups makes the next n contact look-ups answer 500.
func (f *Fake) FailLookups(n int) { f.failLookups.Set(n) }

// SignWebhook implements atstest.Fake. Lever's signature is part of the
// body (see SignedDelivery), so only the content type is set.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

// SignDelivery implements atstest.DeliverySigner: payload is a delivery
// without token, triggeredAt and signature; they are added as Lever adds
// them. The token is derived from the payload so distinct payloads stay
// distinct deliveries.
func (f *Fake) SignDelivery(payload []byte, secret string) (http.Header, []byte) {
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		return f.SignWebhook(payload, secret), payload
	}
	m["token"] = fmt.Sprintf("tok-%x", ats.HMACSHA256("token", payload)[:8])
	if _, ok := m["triggeredAt"]; !ok {
		m["triggeredAt"] = int64(1782975358767)
	}
	at := fmt.Sprint(m["triggeredAt"])
	if v, ok := m["triggeredAt"].(float64); ok {
		at = strconv.FormatInt(int64(v), 10)
	}
	m["signature"] = fmt.Sprintf("%x", ats.HMACSHA256(secret, []byte(m["token"].(string)+at)))
	b, _ := json.Marshal(m)
	return f.SignWebhook(b, secret), b
}

// StripSignature implements atstest.DeliverySigner.
func (f *Fake) StripSignature(h http.Header, body []byte) (http.Header, []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return h, body
	}
	delete(m, "signature")
	b, _ := json.Marshal(m)
	return h, b
}

// TamperDelivery implements atstest.DeliverySigner: Lever signs token +
// triggeredAt, so the token is changed.
func (f *Fake) TamperDelivery(h http.Header, body []byte) (http.Header, []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return h, body
	}
	m["token"] = fmt.Sprint(m["token"]) + "x"
	b, _ := json.Marshal(m)
	return h, b
}

// SignedDelivery builds a webhook body signed as Lever signs it:
// signature = hex(HMAC-SHA256(secret, token + triggeredAt)).
func SignedDelivery(event, token string, triggeredAt int64, data map[string]any, secret string) []byte {
	at := strconv.FormatInt(triggeredAt, 10)
	b, _ := json.Marshal(map[string]any{"event": event, "triggeredAt": triggeredAt, "token": token,
		"signature": fmt.Sprintf("%x", ats.HMACSHA256(secret, []byte(token+at))), "data": data})
	return b
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	var d atstest.Decision
	if r.Method == http.MethodGet && r.URL.Query().Get("contact_id") != "" {
		if f.failLookups.Take() {
			writeErr(w, http.StatusInternalServerError, "InternalServerError", "look-up failed")
			return
		}
	} else {
		d = f.Admit(r)
	}
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.APIKey || pass != "" {
		writeErr(w, http.StatusUnauthorized, "UnauthorizedError", "Invalid API key")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1"), "/"), "/")
	if parts[0] == "webhooks" {
		f.serveWebhooks(w, r, parts, d.Body)
		return
	}
	if r.Method != http.MethodGet {
		f.serveWrite(w, r, parts, d.Body)
		return
	}
	f.serveRead(w, r, parts)
}

// serveWebhooks is Lever's webhook subscriptions API: GET /webhooks,
// POST /webhooks {event, url} → {data:{id, event, url, configuration:
// {signatureToken, conditions}, createdAt}}, DELETE /webhooks/{id} → 204.
func (f *Fake) serveWebhooks(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	render := func(h Webhook) any {
		return map[string]any{"id": h.ID, "event": h.Event, "url": h.URL, "createdAt": ms(Base),
			"configuration": map[string]any{"signatureToken": h.SignatureToken, "conditions": map[string]any{}}}
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 1:
		page(f, w, r, f.webhooks, render)
	case r.Method == http.MethodPost && len(parts) == 1:
		var in struct{ Event, URL string }
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "Malformed JSON")
			return
		}
		if _, ok := eventNames[in.Event]; !ok {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "event must be a supported webhook event")
			return
		}
		if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "url must be a valid URL")
			return
		}
		if f.failWebhookAfter > 0 {
			f.failWebhookAfter--
			if f.failWebhookAfter == 0 {
				writeErr(w, http.StatusInternalServerError, "InternalServerError", "webhook could not be created")
				return
			}
		}
		f.nextID++
		h := Webhook{ID: ID(kindWebhook, f.nextID), Event: in.Event, URL: in.URL,
			SignatureToken: fmt.Sprintf("sig-%x", ats.HMACSHA256("fake", []byte(fmt.Sprint(f.nextID))))[:24]}
		f.webhooks = append(f.webhooks, h)
		f.writeBody(w, http.StatusCreated, map[string]any{"data": render(h)})
	case r.Method == http.MethodDelete && len(parts) == 2:
		i := slices.IndexFunc(f.webhooks, func(h Webhook) bool { return h.ID == parts[1] })
		if i < 0 {
			writeErr(w, http.StatusNotFound, "ResourceNotFound", "Webhook not found")
			return
		}
		f.webhooks = slices.Delete(f.webhooks, i, i+1)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Not found")
	}
}

// eventNames are the webhook events Lever offers.
var eventNames = map[string]bool{"applicationCreated": true, "candidateStageChange": true, "candidateArchiveChange": true,
	"candidateHired": true, "candidateDeleted": true, "contactCreated": true, "contactUpdated": true, "contactDeleted": true}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	writeErr(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		writeErr(w, http.StatusInternalServerError, "InternalServerError", ft.Message)
	case atstest.FaultUnauthorized:
		writeErr(w, http.StatusUnauthorized, "UnauthorizedError", ft.Message)
	case atstest.FaultNotFound:
		writeErr(w, http.StatusNotFound, "ResourceNotFound", ft.Message)
	case atstest.FaultInvalid:
		writeErr(w, http.StatusBadRequest, "BadRequestError", ft.Message)
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"data": [{"id": "x", "name": `)
	}
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	atstest.WritePlainJSON(w, status, map[string]string{"code": code, "message": msg})
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		writeErr(w, 500, "InternalServerError", err.Error())
	}
}

func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// page applies Lever paging to rows.
func page[T any](f *Fake, w http.ResponseWriter, r *http.Request, rows []T, render func(T) any) {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	start := 0
	if v := q.Get("offset"); v != "" {
		var tok []json.RawMessage
		if json.Unmarshal([]byte(v), &tok) != nil || len(tok) == 0 || json.Unmarshal(tok[0], &start) != nil || start < 0 {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "invalid offset")
			return
		}
	}
	start = min(start, len(rows))
	end := min(start+limit, len(rows))
	data := make([]any, 0, end-start)
	for _, x := range rows[start:end] {
		data = append(data, render(x))
	}
	out := map[string]any{"data": data, "hasNext": end < len(rows)}
	if end < len(rows) {
		out["next"] = url.QueryEscape(fmt.Sprintf(`[%d,%d,"%x"]`, end, Base.UnixMilli(), end))
	}
	f.writeBody(w, http.StatusOK, out)
}

func msFilter(q url.Values, key string) (time.Time, bool) {
	v := q.Get(key)
	if v == "" {
		return time.Time{}, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(n).UTC(), true
}

func (f *Fake) renderPosting(p *Posting) any {
	return map[string]any{"id": p.ID, "text": p.Text, "state": p.State, "distributionChannels": nil, "user": f.users[0].ID,
		"owner": f.users[0].ID, "hiringManager": nil,
		"categories": map[string]any{"commitment": "Full-time", "department": p.Dept, "level": nil, "location": p.Location,
			"team": p.Team, "allLocations": []string{p.Location}},
		"tags":    []string{},
		"content": map[string]any{"description": ats.HTMLToText(p.HTML), "descriptionHtml": p.HTML, "lists": []any{}, "closing": "", "closingHtml": ""},
		"country": "US", "followers": []string{}, "reqCode": nil, "requisitionCodes": []string{},
		"urls":      map[string]string{"list": "https://jobs.lever.co/acme", "show": "https://jobs.lever.co/acme/" + p.ID},
		"createdAt": ms(p.CreatedAt), "updatedAt": ms(p.UpdatedAt), "workplaceType": "unspecified"}
}

func (f *Fake) renderOpp(o *Opportunity, expand []string) any {
	var stage any = o.StageID
	if slices.Contains(expand, "stage") {
		for _, s := range f.stages {
			if s.ID == o.StageID {
				stage = map[string]any{"id": s.ID, "text": s.Text}
			}
		}
	}
	var apps any = []string{o.AppID}
	if slices.Contains(expand, "applications") {
		apps = []any{map[string]any{"id": o.AppID, "type": "posting", "candidateId": o.ID, "opportunityId": o.ID,
			"posting": o.PostingID, "postingOwner": f.users[0].ID, "user": nil, "createdAt": ms(o.CreatedAt), "archived": nil}}
	}
	var archived any
	if !o.ArchivedAt.IsZero() {
		archived = map[string]any{"archivedAt": ms(o.ArchivedAt), "reason": o.ReasonID}
	}
	return map[string]any{"id": o.ID, "name": o.Name, "contact": o.Contact, "headline": "", "stage": stage,
		"confidentiality": "non-confidential", "location": "", "phones": o.Phones, "emails": o.Emails, "links": o.Links,
		"archived": archived, "tags": o.Tags, "sources": []string{"LinkedIn"},
		"stageChanges": []any{map[string]any{"toStageId": o.StageID, "toStageIndex": 0, "updatedAt": ms(o.UpdatedAt), "userId": f.users[0].ID}},
		"origin":       "applied", "owner": f.users[0].ID, "followers": []string{}, "applications": apps,
		"createdAt": ms(o.CreatedAt), "updatedAt": ms(o.UpdatedAt), "lastInteractionAt": ms(o.UpdatedAt),
		"lastAdvancedAt": ms(o.UpdatedAt), "snoozedUntil": nil,
		"urls":         map[string]string{"list": "https://hire.lever.co/candidates", "show": "https://hire.lever.co/candidates/" + o.ID},
		"isAnonymized": false, "dataProtection": nil}
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	since := func(key string) (time.Time, bool) {
		t, ok := msFilter(q, key)
		if !ok {
			writeErr(w, http.StatusBadRequest, "BadRequestError", key+" must be a timestamp in milliseconds")
		}
		return t, ok
	}
	switch {
	case len(parts) == 1 && parts[0] == "postings":
		t, ok := since("updated_at_start")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.postings, func(p *Posting) bool { return !p.UpdatedAt.Before(t) }), f.renderPosting)
	case len(parts) == 3 && parts[0] == "postings" && parts[2] == "apply":
		for _, p := range f.postings {
			if p.ID == parts[1] && p.HasForm {
				f.writeBody(w, http.StatusOK, map[string]any{"data": map[string]any{"id": p.ID, "text": p.Text,
					"personalInformation": []any{map[string]any{"type": "text", "text": "Full name", "required": true}},
					"customQuestions": []any{map[string]any{"id": "form-1", "text": "Questions", "fields": []any{
						map[string]any{"id": "field-why", "type": "textarea", "text": "Why us?", "required": true, "options": []any{}},
						map[string]any{"id": "field-auth", "type": "multiple-choice", "text": "Authorized to work?", "required": false,
							"options": []any{map[string]any{"text": "Yes"}, map[string]any{"text": "No"}}},
					}}}}})
				return
			}
		}
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Posting not found")
	case len(parts) == 1 && parts[0] == "stages":
		page(f, w, r, f.stages, func(s *Stage) any { return map[string]any{"id": s.ID, "text": s.Text} })
	case len(parts) == 1 && parts[0] == "archive_reasons":
		page(f, w, r, f.reasons, func(x *Reason) any {
			return map[string]any{"id": x.ID, "text": x.Text, "status": "active", "type": x.Type}
		})
	case len(parts) == 1 && parts[0] == "tags":
		page(f, w, r, f.tags, func(t string) any {
			n := 0
			for _, o := range f.opps {
				if slices.Contains(o.Tags, t) {
					n++
				}
			}
			return map[string]any{"text": t, "count": n}
		})
	case len(parts) == 1 && parts[0] == "users":
		page(f, w, r, f.users, func(u *User) any {
			return map[string]any{"id": u.ID, "name": u.Name, "username": strings.Split(u.Email, "@")[0], "email": u.Email,
				"accessRole": "team member", "photo": nil, "createdAt": ms(Base), "deactivatedAt": nil}
		})
	case len(parts) == 2 && parts[0] == "users":
		for _, u := range f.users {
			if u.ID == parts[1] {
				f.writeBody(w, http.StatusOK, map[string]any{"data": map[string]any{"id": u.ID, "name": u.Name, "email": u.Email}})
				return
			}
		}
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "User not found")
	case len(parts) == 1 && parts[0] == "opportunities":
		t, ok := since("updated_at_start")
		if !ok {
			return
		}
		contact := q.Get("contact_id")
		expand := q["expand"]
		page(f, w, r, atstest.Filter(f.opps, func(o *Opportunity) bool {
			return !o.UpdatedAt.Before(t) && (contact == "" || o.Contact == contact)
		}), func(o *Opportunity) any { return f.renderOpp(o, expand) })
	case len(parts) == 2 && parts[0] == "opportunities" && parts[1] == "deleted":
		t, ok := since("deleted_at_start")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.deleted, func(d deleted) bool { return !d.DeletedAt.Before(t) }), func(d deleted) any {
			return map[string]any{"id": d.ID, "deletedAt": ms(d.DeletedAt), "deletedBy": f.users[0].ID}
		})
	case len(parts) == 3 && parts[0] == "opportunities" && (parts[2] == "notes" || parts[2] == "files"):
		o := f.opp(parts[1])
		if o == nil {
			writeErr(w, http.StatusNotFound, "ResourceNotFound", "Opportunity not found")
			return
		}
		if parts[2] == "notes" {
			page(f, w, r, atstest.Filter(f.notes, func(n Note) bool { return n.OpportunityID == o.ID }), func(n Note) any {
				return map[string]any{"id": ID(kindNote, len(n.Value)), "text": "Note", "user": n.PerformAs, "secret": n.Secret,
					"fields": []any{map[string]any{"type": "note", "text": "Note", "value": n.Value}}, "createdAt": ms(o.UpdatedAt)}
			})
			return
		}
		page(f, w, r, atstest.Filter(f.files, func(x File) bool { return x.OpportunityID == o.ID }), func(x File) any {
			return map[string]any{"id": ID(kindFile, len(x.Name)), "name": x.Name, "size": len(x.Data), "uploadedAt": ms(o.UpdatedAt)}
		})
	case len(parts) == 2 && parts[0] == "opportunities":
		o := f.opp(parts[1])
		if o == nil {
			writeErr(w, http.StatusNotFound, "ResourceNotFound", "Opportunity not found")
			return
		}
		f.writeBody(w, http.StatusOK, map[string]any{"data": f.renderOpp(o, q["expand"])})
	default:
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Not found")
	}
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	actor := r.URL.Query().Get("perform_as")
	if !slices.ContainsFunc(f.users, func(u *User) bool { return u.ID == actor }) {
		writeErr(w, http.StatusBadRequest, "BadRequestError", "perform_as must be the id of an active user")
		return
	}
	if len(parts) != 3 || parts[0] != "opportunities" {
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Not found")
		return
	}
	o := f.opp(parts[1])
	if o == nil {
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Opportunity not found")
		return
	}
	var in map[string]any
	if parts[2] != "files" && len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "Malformed JSON")
			return
		}
	}
	str := func(k string) string { s, _ := in[k].(string); return s }
	strs := func(k string) []string {
		var out []string
		arr, _ := in[k].([]any)
		for _, v := range arr {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	switch {
	case r.Method == http.MethodPost && parts[2] == "notes":
		if str("value") == "" {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "value is required")
			return
		}
		secret, _ := in["secret"].(bool)
		f.notes = append(f.notes, Note{OpportunityID: o.ID, Value: str("value"), PerformAs: actor, Secret: secret})
		f.nextID++
		o.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"data": map[string]any{"noteId": ID(kindNote, f.nextID)}})
	case r.Method == http.MethodPost && parts[2] == "files":
		file, err := readFile(r.Header.Get("Content-Type"), body)
		if err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestError", err.Error())
			return
		}
		file.OpportunityID = o.ID
		f.files = append(f.files, file)
		f.nextID++
		o.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"data": map[string]any{"id": ID(kindFile, f.nextID), "name": file.Name,
			"size": len(file.Data), "status": "processing", "uploadedAt": ms(o.UpdatedAt)}})
	case r.Method == http.MethodPost && parts[2] == "addLinks":
		links := strs("links")
		if len(links) == 0 {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "links is required")
			return
		}
		o.Links = append(o.Links, links...)
		o.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusOK, map[string]any{"data": f.renderOpp(o, nil)})
	case r.Method == http.MethodPut && parts[2] == "stage":
		st := str("stage")
		if !slices.ContainsFunc(f.stages, func(s *Stage) bool { return s.ID == st }) {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "stage does not exist")
			return
		}
		o.StageID = st
		o.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusOK, map[string]any{"data": f.renderOpp(o, nil)})
	case r.Method == http.MethodPut && parts[2] == "archived":
		reason := str("reason")
		if !slices.ContainsFunc(f.reasons, func(x *Reason) bool { return x.ID == reason }) {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "reason must be an archive reason id")
			return
		}
		o.UpdatedAt = f.tick()
		o.ArchivedAt, o.ReasonID = o.UpdatedAt, reason
		f.writeBody(w, http.StatusOK, map[string]any{"data": f.renderOpp(o, nil)})
	case r.Method == http.MethodPost && parts[2] == "addTags":
		tags := strs("tags")
		if len(tags) == 0 {
			writeErr(w, http.StatusBadRequest, "BadRequestError", "tags is required")
			return
		}
		for _, t := range tags {
			if !slices.Contains(o.Tags, t) {
				o.Tags = append(o.Tags, t)
			}
			if !slices.Contains(f.tags, t) {
				f.tags = append(f.tags, t)
			}
		}
		o.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusOK, map[string]any{"data": f.renderOpp(o, nil)})
	default:
		writeErr(w, http.StatusNotFound, "ResourceNotFound", "Not found")
	}
}

// readFile parses a multipart upload with one "file" part.
func readFile(contentType string, body []byte) (File, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return File{}, fmt.Errorf("expected multipart/form-data, got %q", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return File{}, fmt.Errorf("multipart field \"file\" is required")
		}
		if err != nil {
			return File{}, err
		}
		if p.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return File{}, err
		}
		if p.FileName() == "" {
			return File{}, fmt.Errorf("file name is required")
		}
		return File{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data}, nil
	}
}
