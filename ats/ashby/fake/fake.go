// Package fake is a wire-format fake of the Ashby API for tests: POST
// /<object>.<verb> with JSON bodies, Basic auth, {limit, cursor} paging
// with syncToken deltas, HTTP 200 {success:false, errors} for logical
// errors, 401/429/500 with the same body, and the atstest Kit.
package fake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats/atstest"
)

// Fake is a seeded Ashby server.
type Fake struct {
	atstest.Kit
	srv *httptest.Server
	// storage is the presigned-upload host (S3 in production): another
	// origin than the API, as in Ashby.
	storage *httptest.Server
	APIKey  string

	mu    sync.Mutex
	seq   int
	clock time.Time
	jobs  []map[string]any
	posts map[string]map[string]any
	// stages by plan id
	stages  map[string][]map[string]any
	cands   []map[string]any
	apps    []map[string]any
	tags    []map[string]any
	reasons []map[string]any
	users   []map[string]any
	seqOf   map[string]int // row id → change seq
	// tokenEpoch invalidates syncTokens issued before it changed.
	tokenEpoch int
	webhooks   []map[string]any
	// uploads: handle → pending upload; files: candidate id → attached.
	uploads map[string]*upload
	files   map[string][]File
	notes   map[string][]map[string]any // candidate id → notes
	// failWebhookAfter > 0 fails the webhook.create that brings it to 0.
	failWebhookAfter int
}

// New starts a seeded fake (8 candidates, 10 applications); Close it when
// done.
func New(apiKey string) *Fake { return NewSized(apiKey, 0) }

// NewSized starts a fake seeded with at least n candidates and n
// applications (benchmarks); n ≤ 10 is New's small seed.
func NewSized(apiKey string, n int) *Fake {
	f := &Fake{APIKey: apiKey, clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		posts: map[string]map[string]any{}, stages: map[string][]map[string]any{}, seqOf: map[string]int{}}
	f.uploads, f.files, f.notes = map[string]*upload{}, map[string][]File{}, map[string][]map[string]any{}
	f.seed(max(8, n), max(10, n))
	f.storage = httptest.NewServer(http.HandlerFunc(f.serveStorage))
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the server's base URL.
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the server.
func (f *Fake) Close() { f.srv.Close(); f.storage.Close() }

// File is a file attached to a candidate through candidate.uploadFile.
type File struct {
	Name, ContentType string
	Data              []byte
}

type upload struct {
	key, policy, filename, contentType string
	length                             int
	data                               []byte // set once the storage POST arrived
}

// Files returns the files attached to a candidate.
func (f *Fake) Files(candidateID string) []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.files[candidateID])
}

// serveStorage is the presigned POST target: it checks the form carries
// the issued fields before the file, as S3 does, and answers 204.
func (f *Fake) serveStorage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "" {
		http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, "<Error><Code>MalformedPOSTRequest</Code></Error>", http.StatusBadRequest)
		return
	}
	vals := map[string]string{}
	var data []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			http.Error(w, "<Error><Code>MalformedPOSTRequest</Code></Error>", http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "file" {
			data = b
			break // S3 ignores fields after the file
		}
		vals[p.FormName()] = string(b)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.uploads {
		if u.key == vals["key"] && u.policy == vals["policy"] {
			if data == nil || len(data) != u.length {
				http.Error(w, "<Error><Code>EntityTooLarge</Code></Error>", http.StatusBadRequest)
				return
			}
			u.data = data
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	http.Error(w, "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>", http.StatusForbidden)
}

func (f *Fake) tick() (string, int) {
	f.seq++
	f.clock = f.clock.Add(time.Minute)
	return f.clock.Format("2006-01-02T15:04:05.000Z"), f.seq
}

func (f *Fake) seed(nCands, nApps int) {
	types := []string{"PreInterviewScreen", "Active", "Archived", "Hired"}
	titles := []string{"Application Review", "Onsite", "Archived", "Hired"}
	for j := 1; j <= 3; j++ {
		id, plan, post := fmt.Sprintf("job-%d", j), fmt.Sprintf("plan-%d", j), fmt.Sprintf("posting-%d", j)
		ts, _ := f.tick()
		f.jobs = append(f.jobs, map[string]any{"id": id, "title": fmt.Sprintf("Engineer %d", j), "status": "Open",
			"departmentId": "dep-1", "locationId": "loc-1", "jobPostingIds": []string{post}, "interviewPlanIds": []string{plan},
			"defaultInterviewPlanId": plan, "createdAt": ts, "updatedAt": ts})
		f.posts[post] = map[string]any{"id": post, "title": fmt.Sprintf("Engineer %d", j), "descriptionHtml": "<p>Build <b>things</b>.</p>",
			"departmentName": "Engineering", "locationName": "Berlin",
			"applicationFormDefinition": map[string]any{"sections": []any{map[string]any{"fields": []any{
				map[string]any{"isRequired": true, "field": map[string]any{"id": "f-name", "type": "String", "path": "_systemfield_name", "title": "Name"}},
				map[string]any{"isRequired": true, "field": map[string]any{"id": "f-exp", "type": "ValueSelect", "path": "f-exp", "title": "Experience?",
					"selectableValues": []any{map[string]any{"label": "0-5", "value": "0-5"}, map[string]any{"label": "5+", "value": "5+"}}}},
			}}}}}
		for i, t := range types {
			f.stages[plan] = append(f.stages[plan], map[string]any{"id": fmt.Sprintf("%s-s%d", plan, i), "title": titles[i], "type": t,
				"orderInInterviewPlan": i, "interviewPlanId": plan})
		}
	}
	for i := 1; i <= 3; i++ {
		f.tags = append(f.tags, map[string]any{"id": fmt.Sprintf("tag-%d", i), "title": fmt.Sprintf("Tag %d", i), "isArchived": false})
		f.reasons = append(f.reasons, map[string]any{"id": fmt.Sprintf("reason-%d", i), "text": fmt.Sprintf("Reason %d", i), "reasonType": "RejectedByOrg"})
	}
	for i := 1; i <= 2; i++ {
		f.users = append(f.users, map[string]any{"id": fmt.Sprintf("user-%d", i), "firstName": "User", "lastName": strconv.Itoa(i), "email": fmt.Sprintf("u%d@example.com", i)})
	}
	for i := 1; i <= nCands; i++ {
		ts, s := f.tick()
		id := fmt.Sprintf("cand-%d", i)
		f.cands = append(f.cands, map[string]any{"id": id, "name": fmt.Sprintf("Cand Number%d", i),
			"primaryEmailAddress": map[string]any{"value": fmt.Sprintf("c%d@example.com", i), "type": "Personal", "isPrimary": true},
			"emailAddresses":      []any{map[string]any{"value": fmt.Sprintf("c%d@example.com", i)}},
			"phoneNumbers":        []any{}, "tags": []any{map[string]any{"id": "tag-1", "title": "Tag 1"}}, "createdAt": ts, "updatedAt": ts})
		f.seqOf[id] = s
	}
	for i := 1; i <= nApps; i++ {
		ts, s := f.tick()
		j := (i-1)%3 + 1
		plan := fmt.Sprintf("plan-%d", j)
		st := f.stages[plan][0]
		a := map[string]any{"id": fmt.Sprintf("app-%d", i), "status": "Active", "candidate": map[string]any{"id": fmt.Sprintf("cand-%d", (i-1)%nCands+1)},
			"job": map[string]any{"id": fmt.Sprintf("job-%d", j)}, "currentInterviewStage": st, "createdAt": ts, "updatedAt": ts}
		if i == 10 {
			a["status"] = "Archived"
			a["currentInterviewStage"] = f.stages[plan][2]
			a["archiveReason"] = map[string]any{"id": "reason-1", "text": "Reason 1"}
			a["archivedAt"] = ts
		}
		f.apps = append(f.apps, a)
		f.seqOf[a["id"].(string)] = s
	}
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.stages {
		n += len(s)
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: n, Candidates: len(f.cands), Applications: len(f.apps),
		Tags: len(f.tags), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

// Samples implements atstest.Fake.
func (f *Fake) Samples() atstest.Samples {
	return atstest.Samples{ApplicationID: "app-1", CandidateID: "cand-1", JobID: "job-1", StageID: "plan-1-s0",
		OtherStageID: "plan-1-s1", RejectionReasonID: "reason-2"}
}

func find(rows []map[string]any, id string) map[string]any {
	for _, r := range rows {
		if r["id"] == id {
			return r
		}
	}
	return nil
}

func (f *Fake) stageByID(id string) map[string]any {
	for _, ss := range f.stages {
		if s := find(ss, id); s != nil {
			return s
		}
	}
	return nil
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(applicationID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.moveLocked(applicationID, stageID, "")
}

func (f *Fake) moveLocked(applicationID, stageID, reason string) bool {
	a, s := find(f.apps, applicationID), f.stageByID(stageID)
	if a == nil || s == nil {
		return false
	}
	ts, seq := f.tick()
	a["currentInterviewStage"], a["updatedAt"] = s, ts
	f.seqOf[applicationID] = seq
	switch s["type"] {
	case "Archived":
		a["status"], a["archivedAt"] = "Archived", ts
		a["archiveReason"] = find(f.reasons, reason)
	case "Hired":
		a["status"] = "Hired"
	default:
		a["status"] = "Active"
	}
	return true
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(candidateID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := find(f.cands, candidateID); c != nil {
		ts, seq := f.tick()
		c["updatedAt"] = ts
		f.seqOf[candidateID] = seq
	}
}

// DeleteCandidate implements atstest.Fake (Ashby reports no deletions:
// the candidate is gone).
func (f *Fake) DeleteCandidate(candidateID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.cands {
		if c["id"] == candidateID {
			f.cands = append(f.cands[:i], f.cands[i+1:]...)
			return
		}
	}
}

// SignWebhook implements atstest.Fake.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return http.Header{"Ashby-Signature": {"sha256=" + hex.EncodeToString(m.Sum(nil))}}
}

func (f *Fake) send(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		atstest.WritePlainJSON(w, 500, json.RawMessage(`{"success":false,"errors":["encode"]}`))
	}
}

func (f *Fake) fail(w http.ResponseWriter, status int, code, msg string) {
	f.send(w, status, map[string]any{"success": false, "errors": []string{msg}, "errorInfo": map[string]string{"code": code, "message": msg}})
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	f.fail(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Too many requests")
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.APIKey || pass != "" {
		f.fail(w, http.StatusUnauthorized, "unauthenticated", "Invalid API key")
		return
	}
	if ft := d.Fault; ft != nil {
		switch ft.Kind {
		case atstest.FaultServer:
			f.fail(w, 500, "internal_error", ft.Message)
		case atstest.FaultUnauthorized:
			f.fail(w, 401, "unauthenticated", ft.Message)
		case atstest.FaultNotFound:
			f.fail(w, 200, "not_found", ft.Message)
		case atstest.FaultInvalid:
			f.fail(w, 200, "invalid_input", ft.Message)
		case atstest.FaultRateLimited:
			f.write429(w, time.Now().Add(ft.RetryAfter))
		case atstest.FaultMalformed:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"success":true,"results":[{"id":`))
		}
		return
	}
	if r.Method != http.MethodPost {
		f.fail(w, 405, "method_not_allowed", "POST only")
		return
	}
	var body map[string]any
	if len(d.Body) > 0 && json.Unmarshal(d.Body, &body) != nil {
		f.fail(w, 200, "invalid_input", "body is not JSON")
		return
	}
	str := func(k string) string { s, _ := body[k].(string); return s }
	f.mu.Lock()
	defer f.mu.Unlock()
	method := strings.TrimPrefix(r.URL.Path, "/")
	switch method {
	case "job.list":
		f.page(w, body, f.jobs, "")
	case "interviewStage.list":
		f.page(w, body, f.stages[str("interviewPlanId")], "")
	case "candidate.list":
		f.page(w, body, f.cands, method)
	case "application.list":
		f.page(w, body, f.apps, method)
	case "candidateTag.list":
		f.page(w, body, f.tags, "")
	case "archiveReason.list":
		f.page(w, body, f.reasons, "")
	case "user.list":
		f.page(w, body, f.users, "")
	case "jobPosting.info":
		p := f.posts[str("jobPostingId")]
		if p == nil {
			f.fail(w, 200, "not_found", "Job posting not found")
			return
		}
		f.send(w, 200, map[string]any{"success": true, "results": p})
	case "application.info":
		a := find(f.apps, str("applicationId"))
		if a == nil {
			f.fail(w, 200, "application_not_found", "Application not found")
			return
		}
		f.send(w, 200, map[string]any{"success": true, "results": a})
	case "application.changeStage":
		a, s := find(f.apps, str("applicationId")), f.stageByID(str("interviewStageId"))
		if a == nil || s == nil {
			f.fail(w, 200, "not_found", "Application or stage not found")
			return
		}
		if s["type"] == "Archived" && find(f.reasons, str("archiveReasonId")) == nil {
			f.fail(w, 200, "invalid_input", "archiveReasonId is required to archive")
			return
		}
		f.moveLocked(str("applicationId"), str("interviewStageId"), str("archiveReasonId"))
		f.send(w, 200, map[string]any{"success": true, "results": a})
	case "candidate.createNote":
		note, _ := body["note"].(map[string]any)
		if find(f.cands, str("candidateId")) == nil || note == nil || note["value"] == "" {
			f.fail(w, 200, "invalid_input", "candidateId and note are required")
			return
		}
		ts, s := f.tick()
		n := map[string]any{"id": fmt.Sprintf("note-%d", s), "content": note["value"], "createdAt": ts, "isPrivate": body["isPrivate"] == true}
		f.notes[str("candidateId")] = append(f.notes[str("candidateId")], n)
		f.send(w, 200, map[string]any{"success": true, "results": n})
	case "candidate.listNotes":
		if find(f.cands, str("candidateId")) == nil {
			f.fail(w, 200, "candidate_not_found", "Candidate not found")
			return
		}
		f.page(w, body, f.notes[str("candidateId")], "")
	case "candidate.info":
		c := find(f.cands, str("id"))
		if c == nil {
			f.fail(w, 200, "candidate_not_found", "Candidate not found")
			return
		}
		out := map[string]any{}
		for k, v := range c {
			out[k] = v
		}
		handles := []any{}
		for i, fl := range f.files[str("id")] {
			handles = append(handles, map[string]any{"id": fmt.Sprintf("file-%d", i), "name": fl.Name, "handle": fmt.Sprintf("fh-%d", i)})
		}
		out["fileHandles"] = handles
		f.send(w, 200, map[string]any{"success": true, "results": out})
	case "candidateTag.create":
		if str("title") == "" {
			f.fail(w, 200, "invalid_input", "title is required")
			return
		}
		t := map[string]any{"id": fmt.Sprintf("tag-%d", len(f.tags)+1), "title": str("title"), "isArchived": false}
		f.tags = append(f.tags, t)
		f.send(w, 200, map[string]any{"success": true, "results": t})
	case "file.createFileUploadHandle":
		n, _ := body["contentLength"].(float64)
		if str("fileUploadContext") != "CandidateFiles" && str("fileUploadContext") != "CandidateResume" && str("fileUploadContext") != "ApplicationForm" {
			f.fail(w, 200, "invalid_input", "fileUploadContext must be one of CandidateResume, CandidateFiles, ApplicationForm")
			return
		}
		if str("filename") == "" || str("contentType") == "" || n <= 0 {
			f.fail(w, 200, "invalid_input", "filename, contentType and contentLength are required")
			return
		}
		_, seq := f.tick()
		handle := fmt.Sprintf("handle-%d", seq)
		u := &upload{key: fmt.Sprintf("uploads/%d/%s", seq, str("filename")), policy: fmt.Sprintf("policy-%d", seq),
			filename: str("filename"), contentType: str("contentType"), length: int(n)}
		f.uploads[handle] = u
		f.send(w, 200, map[string]any{"success": true, "results": map[string]any{"handle": handle, "url": f.storage.URL + "/ashby-uploads",
			"fields": map[string]string{"key": u.key, "policy": u.policy, "x-amz-algorithm": "AWS4-HMAC-SHA256", "Content-Type": u.contentType}}})
	case "candidate.uploadFile":
		c, u := find(f.cands, str("candidateId")), f.uploads[str("fileHandle")]
		if c == nil {
			f.fail(w, 200, "candidate_not_found", "Candidate not found")
			return
		}
		if u == nil || u.data == nil {
			f.fail(w, 200, "invalid_input", "fileHandle is invalid or the file was not uploaded")
			return
		}
		delete(f.uploads, str("fileHandle"))
		f.files[str("candidateId")] = append(f.files[str("candidateId")], File{Name: u.filename, ContentType: u.contentType, Data: u.data})
		f.send(w, 200, map[string]any{"success": true, "results": c})
	case "candidate.addTag":
		c, t := find(f.cands, str("candidateId")), find(f.tags, str("tagId"))
		if c == nil || t == nil {
			f.fail(w, 200, "not_found", "Candidate or tag not found")
			return
		}
		c["tags"] = append(c["tags"].([]any), map[string]any{"id": t["id"], "title": t["title"]})
		f.send(w, 200, map[string]any{"success": true, "results": c})
	case "webhook.create":
		if str("webhookType") == "" || str("requestUrl") == "" || str("secretToken") == "" {
			f.fail(w, 200, "invalid_input", "webhookType, requestUrl and secretToken are required")
			return
		}
		if f.failWebhookAfter > 0 {
			f.failWebhookAfter--
			if f.failWebhookAfter == 0 {
				f.fail(w, 500, "internal_error", "webhook could not be created")
				return
			}
		}
		_, s := f.tick()
		h := map[string]any{"id": fmt.Sprintf("wh-%d", s), "enabled": true, "requestUrl": str("requestUrl"),
			"secretToken": str("secretToken"), "webhookType": str("webhookType")}
		f.webhooks = append(f.webhooks, h)
		f.send(w, 200, map[string]any{"success": true, "results": h})
	case "webhook.delete":
		i := slices.IndexFunc(f.webhooks, func(h map[string]any) bool { return h["id"] == str("webhookId") })
		if i < 0 {
			f.fail(w, 200, "webhook_not_found", "Webhook not found")
			return
		}
		f.webhooks = slices.Delete(f.webhooks, i, i+1)
		f.send(w, 200, map[string]any{"success": true, "results": map[string]any{"webhookId": str("webhookId")}})
	default:
		f.fail(w, 404, "not_found", "unknown endpoint "+method)
	}
}

// Webhooks returns the webhook subscriptions (webhook.create results).
func (f *Fake) Webhooks() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.webhooks)
}

// FailWebhookCreateAfter makes webhook.create answer 500 once n more
// creations have succeeded.
func (f *Fake) FailWebhookCreateAfter(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWebhookAfter = n + 1
}

// page answers a list call; synced endpoints honour syncToken ("e<epoch>:seq:N"
// → rows changed after N) and return a syncToken on the last page.
func (f *Fake) page(w http.ResponseWriter, body map[string]any, rows []map[string]any, synced string) {
	limit := 100
	if l, ok := body["limit"].(float64); ok && l > 0 {
		limit = min(int(l), 100)
	}
	if synced != "" {
		if tok, _ := body["syncToken"].(string); tok != "" {
			var ep, n int
			if _, err := fmt.Sscanf(tok, "e%d:seq:%d", &ep, &n); err != nil || ep != f.tokenEpoch {
				f.fail(w, 200, "sync_token_expired", "sync token expired")
				return
			}
			var delta []map[string]any
			for _, r := range rows {
				if f.seqOf[r["id"].(string)] > n {
					delta = append(delta, r)
				}
			}
			sort.SliceStable(delta, func(i, j int) bool { return f.seqOf[delta[i]["id"].(string)] < f.seqOf[delta[j]["id"].(string)] })
			rows = delta
		}
	}
	off := 0
	if c, _ := body["cursor"].(string); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if err != nil {
			f.fail(w, 200, "invalid_cursor", "invalid cursor")
			return
		}
		off = n
	}
	end := min(off+limit, len(rows))
	if off > end {
		off = end
	}
	out := map[string]any{"success": true, "results": rows[off:end], "moreDataAvailable": end < len(rows)}
	if end < len(rows) {
		out["nextCursor"] = "c" + strconv.Itoa(end)
	} else if synced != "" {
		out["syncToken"] = fmt.Sprintf("e%d:seq:%d", f.tokenEpoch, f.seq)
	}
	f.send(w, 200, out)
}

// ExpireSyncTokens makes every previously issued syncToken answer
// "sync_token_expired".
func (f *Fake) ExpireSyncTokens() {
	f.mu.Lock()
	f.tokenEpoch++
	f.mu.Unlock()
}
