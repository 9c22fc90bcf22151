// Package fake is an in-process Recruitee company API for tests. It speaks
// the wire format the connector relies on (see the recruitee package doc
// for which parts are confirmed and which inferred): Bearer auth, every path
// under /c/{company_id}, list envelopes {"offers":[…]}, {"candidates":[…]}
// with limit (1–100) and offset, single objects {"offer":{…}},
// {"candidate":{…}}, candidates with embedded placements, offers with
// pipeline_template.stages and open_questions, error bodies {"error":"…"}
// and {"errors":[{"code","message"}]} (422), 429 with a Retry-After in
// seconds, and the write endpoints hireloop uses with their side effects
// (every write bumps the candidate's and placement's updated_at).
//
// Offers whose index is 2 mod 3 are listed without description and
// pipeline (as a brief list view might), so the connector's GET
// /offers/{id} completion is exercised.
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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// CompanyID is the company the fake serves.
const CompanyID = "54321"

// Seed sizes the generated data. ExtraPlacements gives the first candidates
// a second placement (on the next offer).
type Seed struct {
	Offers, StagesPerOffer, Candidates, ExtraPlacements, Tags, Reasons, Admins int
}

// SmallSeed is what the conformance suite uses: 23 candidates with 26
// placements on 3 offers of 4 stages.
var SmallSeed = Seed{Offers: 3, StagesPerOffer: 4, Candidates: 23, ExtraPlacements: 3, Tags: 4, Reasons: 3, Admins: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Id helpers (Recruitee ids are integers).
func OfferID(j int) string      { return strconv.Itoa(100 + j) }
func StageID(j, k int) string   { return strconv.Itoa(1000 + j*10 + k) }
func CandidateID(i int) string  { return strconv.Itoa(10_000_000 + i) }
func PlacementID(i int) string  { return strconv.Itoa(20_000_000 + i) }
func ReasonID(i int) string     { return strconv.Itoa(50 + i) }
func AdminID(i int) string      { return strconv.Itoa(70 + i) }
func tagID(i int) string        { return strconv.Itoa(30 + i) }
func ts(i int) time.Time        { return Base.Add(time.Duration(i) * time.Second) }
func iso(t time.Time) any       { return nilTime(t) }
func num(id string) json.Number { return json.Number(id) }
func stageName(k int) string {
	return []string{"Applied", "Phone screen", "AI Interview", "Offer", "Hired"}[k%5]
}
func stageCategory(k int) string {
	return []string{"apply", "phone_screen", "interview", "offer", "hire"}[k%5]
}

func nilTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Offer is a seeded job.
type Offer struct {
	ID, Title, Status, HTML, Requirements string
	Stages                                []string // stage ids in pipeline order
	Brief                                 bool     // listed without description and pipeline
	CreatedAt, UpdatedAt                  time.Time
}

// Placement is one candidate in one offer.
type Placement struct {
	ID, CandidateID, OfferID, StageID, ReasonID string
	HiredAt, DisqualifiedAt                     time.Time
	CreatedAt, UpdatedAt                        time.Time
}

// Candidate is a seeded person.
type Candidate struct {
	ID, Name             string
	Emails, Phones, Tags []string
	Placements           []*Placement
	CreatedAt, UpdatedAt time.Time
}

// Note is a recorded candidate note.
type Note struct {
	ID, CandidateID, Body, Visibility string
}

// Attachment is a recorded upload.
type Attachment struct {
	ID, CandidateID, FileName, ContentType string
	Data                                   []byte
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	Token  string

	mu          sync.Mutex
	clock       time.Time
	offers      []*Offer
	stageOffer  map[string]string // stage id → offer id
	candidates  []*Candidate
	tags        []string
	reasons     []string // names; ids are ReasonID(i)
	admins      []string
	notes       []Note
	attachments []Attachment
	nextID      int
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(token string, s Seed) *Fake {
	f := &Fake{Token: token, stageOffer: map[string]string{}}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the company base URL of the fake (…/c/<CompanyID>).
func (f *Fake) URL() string { return f.Server.URL + "/c/" + CompanyID }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func (f *Fake) seed(s Seed) {
	statuses := []string{"published", "closed", "internal", "draft"}
	for j := 0; j < s.Offers; j++ {
		o := &Offer{ID: OfferID(j), Title: fmt.Sprintf("Engineer %d", j), Status: statuses[j%len(statuses)],
			HTML:         "<p>We’re hiring a <b>Go engineer</b> &amp; more.</p><ul><li>Remote</li><li>Equity</li></ul>",
			Requirements: "<ul><li>5 years of Go</li></ul>", Brief: j%3 == 2, CreatedAt: ts(j), UpdatedAt: ts(j)}
		for k := 0; k < s.StagesPerOffer; k++ {
			o.Stages = append(o.Stages, StageID(j, k))
			f.stageOffer[StageID(j, k)] = o.ID
		}
		f.offers = append(f.offers, o)
	}
	for i := 0; i < s.Tags; i++ {
		f.tags = append(f.tags, fmt.Sprintf("tag-%d", i))
	}
	for i := 0; i < s.Reasons; i++ {
		f.reasons = append(f.reasons, fmt.Sprintf("Reason %d", i))
	}
	for i := 0; i < s.Admins; i++ {
		f.admins = append(f.admins, fmt.Sprintf("Admin%d Person", i))
	}
	pi := 0
	addPlacement := func(c *Candidate, j, i int) {
		o := f.offers[j]
		p := &Placement{ID: PlacementID(pi), CandidateID: c.ID, OfferID: o.ID, StageID: o.Stages[i%max(1, len(o.Stages)-1)],
			CreatedAt: ts(i), UpdatedAt: ts(i)}
		pi++
		c.Placements = append(c.Placements, p)
	}
	for i := 0; i < s.Candidates && s.Offers > 0 && s.StagesPerOffer > 0; i++ {
		c := &Candidate{ID: CandidateID(i), Name: fmt.Sprintf("First%d Last%d", i, i),
			Emails: []string{fmt.Sprintf("cand%d@example.com", i)}, Phones: []string{fmt.Sprintf("+31 6 %08d", i)},
			Tags: []string{}, CreatedAt: ts(i), UpdatedAt: ts(i)}
		if s.Tags > 0 && i%2 == 0 {
			c.Tags = append(c.Tags, f.tags[i%s.Tags])
		}
		addPlacement(c, i%s.Offers, i)
		f.candidates = append(f.candidates, c)
	}
	for i := 0; i < min(s.ExtraPlacements, len(f.candidates)); i++ {
		addPlacement(f.candidates[i], (i+1)%s.Offers, i)
	}
	if len(f.candidates) > 7 && s.Reasons > 0 {
		p := f.candidates[5].Placements[0]
		p.DisqualifiedAt, p.ReasonID = ts(5), ReasonID(0)
		f.candidates[7].Placements[0].HiredAt = ts(7)
	}
	f.clock = ts(max(len(f.candidates), s.Offers))
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := atstest.Counts{Jobs: len(f.offers), Candidates: len(f.candidates), Tags: len(f.tags),
		RejectionReasons: len(f.reasons), Users: len(f.admins)}
	for _, o := range f.offers {
		n.Stages += len(o.Stages)
	}
	for _, c := range f.candidates {
		n.Applications += len(c.Placements)
	}
	return n
}

// Samples implements atstest.Fake: candidate 0's first placement.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.candidates[0]
	p := c.Placements[0]
	other := ""
	for _, s := range f.offer(p.OfferID).Stages {
		if s != p.StageID {
			other = s
			break
		}
	}
	return atstest.Samples{ApplicationID: p.ID, CandidateID: c.ID, JobID: p.OfferID, StageID: p.StageID,
		OtherStageID: other, RejectionReasonID: ReasonID(0)}
}

func (f *Fake) offer(id string) *Offer {
	for _, o := range f.offers {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (f *Fake) candidate(id string) *Candidate {
	for _, c := range f.candidates {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (f *Fake) placement(id string) (*Candidate, *Placement) {
	for _, c := range f.candidates {
		for _, p := range c.Placements {
			if p.ID == id {
				return c, p
			}
		}
	}
	return nil, nil
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(placementID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, p := f.placement(placementID)
	if p == nil || f.stageOffer[stageID] != p.OfferID {
		panic("fake: MoveApplication: unknown placement or stage of another offer")
	}
	p.StageID = stageID
	p.UpdatedAt = f.tick()
	c.UpdatedAt = p.UpdatedAt
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.candidate(id)
	if c == nil {
		panic("fake: TouchCandidate: unknown candidate")
	}
	c.UpdatedAt = f.tick()
}

// DeleteCandidate implements atstest.Fake: the candidate and its
// placements are gone (Recruitee lists no deletions).
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.candidates = slices.DeleteFunc(f.candidates, func(c *Candidate) bool { return c.ID == id })
}

// Placement returns a copy of a placement.
func (f *Fake) Placement(id string) (Placement, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, p := f.placement(id)
	if p == nil {
		return Placement{}, false
	}
	return *p, true
}

// CandidateTags returns a candidate's tags.
func (f *Fake) CandidateTags(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.candidate(id); c != nil {
		return slices.Clone(c.Tags)
	}
	return nil
}

// Notes returns the notes written so far.
func (f *Fake) Notes() []Note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.notes)
}

// Attachments returns the uploads so far.
func (f *Fake) Attachments() []Attachment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.attachments)
}

// SignWebhook implements atstest.Fake: X-Recruitee-Signature is the hex
// HMAC-SHA256 of the raw body.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{
		"Content-Type":          {"application/json"},
		"User-Agent":            {"Recruitee-Webhooks"},
		"X-Recruitee-Signature": {fmt.Sprintf("%x", ats.HMACSHA256(secret, body))},
	}
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.Token {
		writeErr(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	prefix := "/c/" + CompanyID + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeErr(w, http.StatusForbidden, "Company id is invalid")
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, prefix), "/"), "/")
	if r.Method == http.MethodGet {
		f.serveRead(w, r, parts)
		return
	}
	f.serveWrite(w, r, parts, d.Body)
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	writeErr(w, http.StatusTooManyRequests, "Too Many Requests")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		writeErr(w, http.StatusInternalServerError, ft.Message)
	case atstest.FaultUnauthorized:
		writeErr(w, http.StatusUnauthorized, ft.Message)
	case atstest.FaultNotFound:
		writeErr(w, http.StatusNotFound, ft.Message)
	case atstest.FaultInvalid:
		writeInvalid(w, "invalid", ft.Message)
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"candidates": [{"id": 1, "name": `)
	}
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeInvalid(w http.ResponseWriter, code, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []any{map[string]string{"code": code, "message": msg}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	b, err := f.Encode(v)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// page applies limit/offset to rows and writes {key: rows}.
func page[T any](f *Fake, w http.ResponseWriter, r *http.Request, key string, rows []T, render func(T) any) {
	q := r.URL.Query()
	limit, offset := 60, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeInvalid(w, "invalid_limit", "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeInvalid(w, "invalid_offset", "offset must be a non-negative integer")
			return
		}
		offset = n
	}
	start := min(offset, len(rows))
	end := min(start+limit, len(rows))
	out := make([]any, 0, end-start)
	for _, x := range rows[start:end] {
		out = append(out, render(x))
	}
	f.writeBody(w, http.StatusOK, map[string]any{key: out})
}

func (f *Fake) renderOffer(o *Offer, full bool) any {
	m := map[string]any{"id": num(o.ID), "title": o.Title, "kind": "job", "status": o.Status, "slug": "engineer-" + o.ID,
		"department": "Research & Development", "location": "Amsterdam, Netherlands", "city": "Amsterdam",
		"country_code": "NL", "candidates_count": 0, "careers_url": "https://acme.recruitee.com/o/engineer-" + o.ID,
		"adminapp_url": "https://app.recruitee.com/#/jobs/" + o.ID, "created_at": iso(o.CreatedAt), "updated_at": iso(o.UpdatedAt)}
	if !full && o.Brief {
		return m
	}
	m["description"] = o.HTML
	m["requirements"] = o.Requirements
	stages := make([]any, 0, len(o.Stages))
	for k, id := range o.Stages {
		stages = append(stages, map[string]any{"id": num(id), "name": stageName(k), "category": stageCategory(k),
			"position": k, "group": "in_process", "locked": k == 0, "placements_count": 0, "time_limit": nil, "action_templates": []any{}})
	}
	m["pipeline_template"] = map[string]any{"id": num("9" + o.ID), "title": "Default pipeline", "category": "default",
		"custom": false, "default": true, "stages": stages}
	m["open_questions"] = []any{
		map[string]any{"id": num("7" + o.ID + "1"), "body": "Why do you want to join us?", "kind": "text", "required": true,
			"open_question_options": []any{}},
		map[string]any{"id": num("7" + o.ID + "2"), "body": "Are you authorised to work in the EU?", "kind": "single_choice",
			"required": false, "open_question_options": []any{
				map[string]any{"id": num("8" + o.ID + "1"), "body": "Yes"}, map[string]any{"id": num("8" + o.ID + "2"), "body": "No"}}},
	}
	return m
}

func (f *Fake) renderPlacement(p *Placement) any {
	var reason any
	if p.ReasonID != "" {
		idx, _ := strconv.Atoi(p.ReasonID)
		reason = map[string]any{"id": num(p.ReasonID), "name": f.reasons[idx-50]}
	}
	return map[string]any{"id": num(p.ID), "candidate_id": num(p.CandidateID), "offer_id": num(p.OfferID),
		"stage_id": num(p.StageID), "position": 0, "language": "en", "created_at": iso(p.CreatedAt), "updated_at": iso(p.UpdatedAt),
		"hired_at": iso(p.HiredAt), "hired_in_this_placement": !p.HiredAt.IsZero(), "job_starts_at": nil,
		"disqualified_at": iso(p.DisqualifiedAt), "disqualify_reason": reason, "overdue_at": nil,
		"ratings": map[string]int{"no": 0, "yes": 0, "neutral": 0, "strong_yes": 0}}
}

func (f *Fake) renderCandidate(c *Candidate) any {
	ps := make([]any, 0, len(c.Placements))
	for _, p := range c.Placements {
		ps = append(ps, f.renderPlacement(p))
	}
	return map[string]any{"id": num(c.ID), "name": c.Name, "emails": c.Emails, "phones": c.Phones, "tags": c.Tags,
		"source": "Careers site", "admin_id": nil, "example": false, "photo_thumb_url": nil,
		"adminapp_url": "https://app.recruitee.com/#/candidates/" + c.ID, "created_at": iso(c.CreatedAt),
		"updated_at": iso(c.UpdatedAt), "placements": ps, "ratings_count": 0}
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(parts) == 1 && parts[0] == "offers":
		page(f, w, r, "offers", f.offers, func(o *Offer) any { return f.renderOffer(o, false) })
	case len(parts) == 2 && parts[0] == "offers":
		if o := f.offer(parts[1]); o != nil {
			f.writeBody(w, http.StatusOK, map[string]any{"offer": f.renderOffer(o, true)})
			return
		}
		writeErr(w, http.StatusNotFound, "Offer not found")
	case len(parts) == 1 && parts[0] == "candidates":
		page(f, w, r, "candidates", f.candidates, f.renderCandidate)
	case len(parts) >= 2 && parts[0] == "candidates":
		c := f.candidate(parts[1])
		if c == nil {
			writeErr(w, http.StatusNotFound, "Candidate not found")
			return
		}
		switch {
		case len(parts) == 2:
			f.writeBody(w, http.StatusOK, map[string]any{"candidate": f.renderCandidate(c)})
		case len(parts) == 3 && parts[2] == "notes":
			page(f, w, r, "notes", atstest.Filter(f.notes, func(n Note) bool { return n.CandidateID == c.ID }), func(n Note) any {
				return map[string]any{"id": num(n.ID), "body": n.Body, "admin": map[string]any{"id": num(AdminID(0)), "name": f.admins[0]},
					"visibility": map[string]string{"level": n.Visibility}, "created_at": iso(c.UpdatedAt)}
			})
		case len(parts) == 3 && parts[2] == "attachments":
			page(f, w, r, "attachments", atstest.Filter(f.attachments, func(a Attachment) bool { return a.CandidateID == c.ID }), func(a Attachment) any {
				return map[string]any{"id": num(a.ID), "filename": a.FileName, "candidate_id": num(c.ID), "created_at": iso(c.UpdatedAt)}
			})
		default:
			writeErr(w, http.StatusNotFound, "Not found")
		}
	case len(parts) == 1 && parts[0] == "tags":
		page(f, w, r, "tags", f.tags, func(t string) any {
			return map[string]any{"id": num(tagID(slices.Index(f.tags, t))), "name": t, "taggings_count": 1}
		})
	case len(parts) == 1 && parts[0] == "disqualify_reasons":
		idx := make([]int, len(f.reasons))
		for i := range idx {
			idx[i] = i
		}
		page(f, w, r, "disqualify_reasons", idx, func(i int) any {
			return map[string]any{"id": num(ReasonID(i)), "name": f.reasons[i]}
		})
	case len(parts) == 1 && parts[0] == "admins":
		idx := make([]int, len(f.admins))
		for i := range idx {
			idx[i] = i
		}
		page(f, w, r, "admins", idx, func(i int) any {
			first, last, _ := strings.Cut(f.admins[i], " ")
			return map[string]any{"id": num(AdminID(i)), "first_name": first, "last_name": last,
				"email": fmt.Sprintf("admin%d@example.com", i), "role": "admin", "time_zone": "Europe/Amsterdam"}
		})
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}

// jsonID reads an id the client sent as a JSON number (or numeric string).
func jsonID(v any) string {
	switch t := v.(type) {
	case json.Number:
		return t.String()
	case string:
		return t
	}
	return ""
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	if !(len(parts) == 1 && parts[0] == "attachments") && len(body) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			writeErr(w, http.StatusBadRequest, "Malformed JSON")
			return
		}
	}
	switch {
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "candidates" && parts[2] == "notes":
		c := f.candidate(parts[1])
		if c == nil {
			writeErr(w, http.StatusNotFound, "Candidate not found")
			return
		}
		note, _ := in["note"].(map[string]any)
		text, _ := note["body"].(string)
		if strings.TrimSpace(text) == "" {
			writeInvalid(w, "blank", "Body can't be blank")
			return
		}
		level := "public"
		if vis, ok := note["visibility"].(map[string]any); ok {
			if l, ok := vis["level"].(string); ok {
				level = l
			}
		}
		f.nextID++
		n := Note{ID: strconv.Itoa(900_000 + f.nextID), CandidateID: c.ID, Body: text, Visibility: level}
		f.notes = append(f.notes, n)
		c.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"note": map[string]any{"id": num(n.ID), "body": n.Body,
			"admin_id": num(AdminID(0)), "created_at": iso(c.UpdatedAt)}})
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "attachments":
		a, status, msg := readAttachment(r.Header.Get("Content-Type"), body)
		if status != 0 {
			writeErr(w, status, msg)
			return
		}
		c := f.candidate(a.CandidateID)
		if c == nil {
			writeInvalid(w, "invalid", "Candidate must exist")
			return
		}
		f.nextID++
		a.ID = strconv.Itoa(800_000 + f.nextID)
		f.attachments = append(f.attachments, a)
		c.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"attachment": map[string]any{"id": num(a.ID), "filename": a.FileName,
			"candidate_id": num(c.ID), "created_at": iso(c.UpdatedAt)}})
	case r.Method == http.MethodPatch && len(parts) == 3 && parts[0] == "placements" && (parts[2] == "change_stage" || parts[2] == "disqualify"):
		c, p := f.placement(parts[1])
		if p == nil {
			writeErr(w, http.StatusNotFound, "Placement not found")
			return
		}
		if parts[2] == "change_stage" {
			st := jsonID(in["stage_id"])
			if f.stageOffer[st] != p.OfferID {
				writeInvalid(w, "invalid", "Stage must belong to the placement's offer")
				return
			}
			p.StageID = st
		} else {
			reason := jsonID(in["disqualify_reason_id"])
			idx, err := strconv.Atoi(reason)
			if err != nil || idx-50 < 0 || idx-50 >= len(f.reasons) {
				writeInvalid(w, "invalid", "Disqualify reason must exist")
				return
			}
			p.ReasonID = reason
		}
		p.UpdatedAt = f.tick()
		c.UpdatedAt = p.UpdatedAt
		if parts[2] == "disqualify" {
			p.DisqualifiedAt = p.UpdatedAt
		}
		f.writeBody(w, http.StatusOK, map[string]any{"placement": f.renderPlacement(p)})
	case r.Method == http.MethodPatch && len(parts) == 3 && parts[0] == "bulk" && parts[1] == "candidates" && parts[2] == "tags":
		ids, _ := in["candidates"].([]any)
		tags, _ := in["tags"].([]any)
		if len(ids) == 0 || len(tags) == 0 {
			writeInvalid(w, "blank", "candidates and tags are required")
			return
		}
		var out []any
		for _, x := range ids {
			c := f.candidate(jsonID(x))
			if c == nil {
				writeErr(w, http.StatusNotFound, "Candidate not found")
				return
			}
			for _, t := range tags {
				name, _ := t.(string)
				if name == "" {
					continue
				}
				if !slices.Contains(c.Tags, name) {
					c.Tags = append(c.Tags, name)
				}
				if !slices.Contains(f.tags, name) {
					f.tags = append(f.tags, name)
				}
			}
			c.UpdatedAt = f.tick()
			out = append(out, map[string]any{"id": num(c.ID), "tags": c.Tags})
		}
		f.writeBody(w, http.StatusOK, map[string]any{"candidates": out})
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}

// readAttachment parses the multipart upload: attachment[candidate_id] and
// the file in attachment[file] (a bare "file" part answers 500, as reported
// for the real API).
func readAttachment(contentType string, body []byte) (Attachment, int, string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return Attachment{}, http.StatusBadRequest, "expected multipart/form-data"
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var a Attachment
	gotFile := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Attachment{}, http.StatusBadRequest, err.Error()
		}
		data, _ := io.ReadAll(p)
		switch p.FormName() {
		case "attachment[candidate_id]":
			a.CandidateID = string(data)
		case "attachment[file]":
			a.FileName, a.ContentType, a.Data, gotFile = p.FileName(), p.Header.Get("Content-Type"), data, true
		case "file":
			return Attachment{}, http.StatusInternalServerError, "Internal Server Error"
		}
	}
	if !gotFile || a.FileName == "" {
		return Attachment{}, http.StatusUnprocessableEntity, "File can't be blank"
	}
	if a.CandidateID == "" {
		return Attachment{}, http.StatusUnprocessableEntity, "Candidate can't be blank"
	}
	return a, 0, ""
}
