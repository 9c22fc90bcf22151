package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// inviteOne publishes an interview and returns the first invitation link's
// token, read from the email in mailpit.
func inviteOne(t *testing.T, s *interviewSetup) (int64, string, map[string]any) {
	t.Helper()
	id, iv := s.createInterview(t)
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil)
	msgs := s.mp.WaitFor(t, 1, 15*time.Second)
	full := s.mp.Message(t, msgs[0].ID)
	m := linkRe.FindStringSubmatch(full.Text)
	if m == nil {
		t.Fatalf("no link in:\n%s", full.Text)
	}
	return id, m[1], iv
}

func TestCandidateTakesInterview(t *testing.T) {
	s := newInterviewSetup(t)
	_, tok, _ := inviteOne(t, s)
	cand := &client{t: t, a: s.a}
	base := "/api/candidate/" + tok
	view := cand.mustStatus(200, "GET", base, nil).json(t)
	if view["status"] != "opened" || view["ai_disclosure"] == "" {
		t.Fatalf("view: %v", view)
	}
	qs := view["questions"].([]any)
	if len(qs) != 5 {
		t.Fatalf("questions: %v", qs)
	}
	for _, q := range qs {
		if _, leak := q.(map[string]any)["rubric"]; leak {
			t.Fatal("rubric sent to the candidate")
		}
	}
	qid := func(i int) int64 { return int64(qs[i].(map[string]any)["id"].(float64)) }
	ans := func(i int, v any) resp {
		return cand.do("PUT", fmt.Sprintf("%s/answers/%d", base, qid(i)), map[string]any{"value": v})
	}
	if r := ans(0, "too early"); r.Status != 409 || r.errCode(t) != "not_started" {
		t.Fatalf("answer before start: %d %s", r.Status, r.Body)
	}
	if r := cand.do("POST", base+"/start", map[string]bool{"consent": false}); r.Status != 422 {
		t.Fatalf("start without consent: %d", r.Status)
	}
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})

	for _, tc := range []struct {
		i      int
		v      any
		status int
	}{
		{0, "I led the migration of our billing system.", 200},
		{1, "maybe", 422},
		{1, "yes", 200},
		{2, "Night", 422},
		{2, "Late", 200},
		{3, []string{"English", "Klingon"}, 422},
		{3, []string{"English", "German"}, 200},
		{4, "many", 422},
		{4, "7,5", 200},
	} {
		if r := ans(tc.i, tc.v); r.Status != tc.status {
			t.Fatalf("answer q%d=%v: %d %s", tc.i, tc.v, r.Status, r.Body)
		}
	}
	// Answers are autosaved: a fresh load shows them.
	again := cand.mustStatus(200, "GET", base, nil).json(t)
	if again["status"] != "started" || len(again["answers"].([]any)) != 5 {
		t.Fatalf("resume: %v", again)
	}
	for _, a := range again["answers"].([]any) {
		m := a.(map[string]any)
		if int64(m["question_id"].(float64)) == qid(4) && m["value"] != "7.5" {
			t.Fatalf("number not normalised: %v", m)
		}
	}
	cand.mustStatus(204, "POST", base+"/adjustment", map[string]string{"text": "I use a screen reader; please allow extra time."})
	cand.mustStatus(204, "POST", base+"/submit", nil)
	if r := cand.do("POST", base+"/submit", nil); r.Status != 409 || r.errCode(t) != "already_submitted" {
		t.Fatalf("double submit: %d %s", r.Status, r.Body)
	}
	if r := ans(0, "changed after submit"); r.Status != 409 {
		t.Fatalf("answer after submit: %d", r.Status)
	}
	if v := cand.mustStatus(200, "GET", base, nil).json(t); v["status"] != "submitted" || v["questions"] != nil {
		t.Fatalf("submitted view: %v", v)
	}
}

func TestCandidateLinksBadInput(t *testing.T) {
	s := newInterviewSetup(t)
	_, tok, _ := inviteOne(t, s)
	cand := &client{t: t, a: s.a}
	// Unknown and tampered tokens.
	for _, bad := range []string{"short", strings.Repeat("A", 43), tok[:len(tok)-1] + "x"} {
		if r := cand.do("GET", "/api/candidate/"+bad, nil); r.Status != 404 || r.errCode(t) != "unknown_link" {
			t.Fatalf("token %q: %d %s", bad, r.Status, r.Body)
		}
	}
	base := "/api/candidate/" + tok
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})
	// A question of another interview.
	_, otherIV := s.createInterview(t)
	otherQ := int64(otherIV["questions"].([]any)[0].(map[string]any)["id"].(float64))
	if r := cand.do("PUT", fmt.Sprintf("%s/answers/%d", base, otherQ), map[string]any{"value": "x"}); r.Status != 404 || r.errCode(t) != "unknown_question" {
		t.Fatalf("foreign question: %d %s", r.Status, r.Body)
	}
	// Submitting with required questions unanswered names them.
	if r := cand.do("POST", base+"/submit", nil); r.Status != 422 || r.errCode(t) != "incomplete" {
		t.Fatalf("incomplete submit: %d %s", r.Status, r.Body)
	}
	// Expired links get their own answer.
	now := time.Now().Add(6 * 24 * time.Hour)
	s.a.now = func() time.Time { return now }
	s.a.Store().SetClock(func() time.Time { return now })
	if r := cand.do("POST", base+"/submit", nil); r.Status != 410 || r.errCode(t) != "link_expired" {
		t.Fatalf("expired submit: %d %s", r.Status, r.Body)
	}
	if n, err := s.a.Store().ExpireInvitations(context.Background()); err != nil || n == 0 {
		t.Fatalf("expiry job: %d %v", n, err)
	}
	if v := cand.mustStatus(200, "GET", base, nil).json(t); v["status"] != "expired" {
		t.Fatalf("expired view: %v", v)
	}
}

// mediaUploader posts recording chunks for question qid of the candidate
// link base.
func mediaUploader(t *testing.T, s *interviewSetup, base string, qid int64) func(offset int, body []byte, ct string, final bool) resp {
	return func(offset int, body []byte, ct string, final bool) resp {
		q := fmt.Sprintf("%s/answers/%d/media?offset=%d", base, qid, offset)
		if final {
			q += "&final=1"
		}
		req := httptest.NewRequest("POST", q, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		res, err := s.a.HTTP().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return resp{Status: res.StatusCode, Body: b.Bytes()}
	}
}

// Retakes are enforced by the server, a replaced recording's file is
// deleted, and a nearly full disk refuses recordings with a clear error.
func TestRecordingRetakesAndDiskSpace(t *testing.T) {
	s := newInterviewSetup(t)
	pid, _, stage := s.sampleStage(t)
	iv := s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{
		"position_id": pid, "stage_ext_id": stage,
		"questions": []map[string]any{
			{"type": "audio", "prompt": "Once only.", "required": true, "retakes": 0},
			{"type": "audio", "prompt": "One retake.", "required": true, "retakes": 1},
		},
	}).json(t)["interview"].(map[string]any)
	id := int64(iv["id"].(float64))
	qs := iv["questions"].([]any)
	once, twice := int64(qs[0].(map[string]any)["id"].(float64)), int64(qs[1].(map[string]any)["id"].(float64))
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil)
	tok := linkRe.FindStringSubmatch(s.mp.Message(t, s.mp.WaitFor(t, 1, 15*time.Second)[0].ID).Text)[1]
	base := "/api/candidate/" + tok
	(&client{t: t, a: s.a}).mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})
	chunk := bytes.Repeat([]byte("a"), 1000)
	files := func() []string {
		m, _ := filepath.Glob(filepath.Join(s.a.cfg.DataDir, "media", "*", "*", "q*.webm"))
		return m
	}

	up := mediaUploader(t, s, base, once)
	if r := up(0, chunk, "audio/webm", true); r.Status != 200 {
		t.Fatalf("first recording: %d %s", r.Status, r.Body)
	}
	for i := 0; i < 3; i++ {
		if r := up(0, chunk, "audio/webm", true); r.Status != 409 || r.errCode(t) != "no_retakes_left" {
			t.Fatalf("recording %d of a question without retakes: %d %s", i+2, r.Status, r.Body)
		}
	}
	up = mediaUploader(t, s, base, twice)
	for i := 0; i < 2; i++ {
		if r := up(0, chunk, "audio/webm", true); r.Status != 200 {
			t.Fatalf("recording %d of a question with one retake: %d %s", i+1, r.Status, r.Body)
		}
	}
	if r := up(0, chunk, "audio/webm", true); r.Status != 409 {
		t.Fatalf("a second retake: %d %s", r.Status, r.Body)
	}
	// One file per question: the replaced recording is gone.
	if f := files(); len(f) != 2 {
		t.Fatalf("recordings on disk: %v", f)
	}

	// A disk that would be left with less than the minimum refuses the upload.
	s.a.minFreeDisk = 1 << 62
	defer func() { s.a.minFreeDisk = 0 }()
	tok2 := linkRe.FindStringSubmatch(s.mp.Message(t, s.mp.WaitFor(t, 2, 15*time.Second)[1].ID).Text)[1]
	base2 := "/api/candidate/" + tok2
	(&client{t: t, a: s.a}).mustStatus(204, "POST", base2+"/start", map[string]bool{"consent": true})
	r := mediaUploader(t, s, base2, once)(0, chunk, "audio/webm", true)
	if r.Status != 507 || r.errCode(t) != "insufficient_storage" || !strings.Contains(string(r.Body), "kept in your browser") {
		t.Fatalf("upload on a full disk: %d %s", r.Status, r.Body)
	}
	if f := files(); len(f) != 2 {
		t.Fatalf("recordings on disk after the refusal: %v", f)
	}
}

func TestCandidateMediaUploadInChunks(t *testing.T) {
	s := newInterviewSetup(t)
	pid, _, stage := s.sampleStage(t)
	iv := s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{
		"position_id": pid, "stage_ext_id": stage,
		"questions": []map[string]any{{"type": "audio", "prompt": "Introduce yourself in one minute.", "required": true, "max_media_seconds": 60,
			"retakes": 1}},
	}).json(t)["interview"].(map[string]any)
	id := int64(iv["id"].(float64))
	qid := int64(iv["questions"].([]any)[0].(map[string]any)["id"].(float64))
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil)
	full := s.mp.Message(t, s.mp.WaitFor(t, 1, 15*time.Second)[0].ID)
	tok := linkRe.FindStringSubmatch(full.Text)[1]
	cand := &client{t: t, a: s.a}
	base := "/api/candidate/" + tok
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})
	upload := mediaUploader(t, s, base, qid)
	cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%d", base, qid), map[string]any{"value": "My microphone is quiet."})
	chunk := bytes.Repeat([]byte("a"), 1000)
	if r := upload(0, chunk, "video/webm", false); r.Status != 415 {
		t.Fatalf("video for an audio question: %d", r.Status)
	}
	if r := upload(0, chunk, "audio/webm", false); r.Status != 200 {
		t.Fatalf("chunk 1: %d %s", r.Status, r.Body)
	}
	if r := upload(0+500, chunk, "audio/webm", false); r.Status != 409 {
		t.Fatalf("wrong offset: %d", r.Status)
	}
	if r := upload(1000, chunk, "audio/webm", true); r.Status != 200 || !strings.Contains(string(r.Body), `"received":2000`) {
		t.Fatalf("final chunk: %d %s", r.Status, r.Body)
	}
	// The typed note survives the upload, and the first recording is attempt 1.
	ans := cand.mustStatus(200, "GET", base, nil).json(t)["answers"].([]any)[0].(map[string]any)
	if ans["value"] != "My microphone is quiet." || ans["attempts"] != float64(1) || ans["media_bytes"] != float64(2000) {
		t.Fatalf("answer after upload: %v", ans)
	}
	// Past the size limit the upload is refused and the partial file dropped.
	s.a.maxMedia = 1500
	if r := upload(0, chunk, "audio/webm", false); r.Status != 200 {
		t.Fatalf("retake chunk 1: %d", r.Status)
	}
	if r := upload(1000, chunk, "audio/webm", true); r.Status != 413 {
		t.Fatalf("oversized: %d %s", r.Status, r.Body)
	}
	s.a.maxMedia = 0
	cand.mustStatus(204, "POST", base+"/submit", nil)
}

func TestInvitationLinkForRecruiters(t *testing.T) {
	s := newInterviewSetup(t)
	id, tok, _ := inviteOne(t, s)
	invs := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d/invitations", id)), nil).json(t)["invitations"].([]any)
	found := false
	for _, v := range invs {
		vid := int64(v.(map[string]any)["id"].(float64))
		u := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d/invitations/%d/link", id, vid)), nil).json(t)["url"].(string)
		if !strings.HasPrefix(u, s.a.cfg.BaseURL+"/i/") {
			t.Fatalf("link %q", u)
		}
		found = found || strings.HasSuffix(u, "/i/"+tok)
	}
	if !found {
		t.Fatal("the emailed link is not among the recruiter's links")
	}
	viewer, _ := newUser(t, s.a, "viewer@example.com", false)
	s.admin.mustStatus(201, "POST", s.ws("/members"), map[string]string{"email": "viewer@example.com", "role": "viewer"})
	vid := int64(invs[0].(map[string]any)["id"].(float64))
	viewer.mustStatus(403, "GET", s.ws(fmt.Sprintf("/interviews/%d/invitations/%d/link", id, vid)), nil)
}

// A timed question's clock is the server's: opening it again (a reload,
// another browser) keeps the first opening, and a typed answer saved after
// the deadline plus a grace is kept and flagged with how late it was.
func TestTimedQuestionDeadlineIsTheServers(t *testing.T) {
	s := newInterviewSetup(t)
	pid, _, stage := s.sampleStage(t)
	iv := s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{
		"position_id": pid, "stage_ext_id": stage, "deadline_days": 5,
		"questions": []map[string]any{
			{"type": "text", "prompt": "In one minute: why this role?", "required": true, "time_limit_seconds": 60},
			{"type": "text", "prompt": "Anything else?", "required": false},
		},
	}).json(t)["interview"].(map[string]any)
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%v/publish", iv["id"])), nil)
	full := s.mp.Message(t, s.mp.WaitFor(t, 1, 15*time.Second)[0].ID)
	tok := linkRe.FindStringSubmatch(full.Text)[1]
	cand := &client{t: t, a: s.a}
	base := "/api/candidate/" + tok
	qs := cand.mustStatus(200, "GET", base, nil).json(t)["questions"].([]any)
	timed, untimed := int64(qs[0].(map[string]any)["id"].(float64)), int64(qs[1].(map[string]any)["id"].(float64))
	if r := cand.do("POST", fmt.Sprintf("%s/answers/%d/open", base, timed), nil); r.Status != 409 || r.errCode(t) != "not_started" {
		t.Fatalf("open before start: %d %s", r.Status, r.Body)
	}
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})

	// The outbox and other workers read the clock too: keep it atomic.
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	s.a.Store().SetClock(func() time.Time { return time.Unix(0, clock.Load()) })
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	open := func(q int64) map[string]any {
		t.Helper()
		return cand.mustStatus(200, "POST", fmt.Sprintf("%s/answers/%d/open", base, q), nil).json(t)
	}
	first := open(timed)
	if first["time_limit_seconds"] != float64(60) || first["remaining_seconds"] == nil {
		t.Fatalf("opening the timed question: %v", first)
	}
	advance(30 * time.Second)
	if again := open(timed); again["opened_at"] != first["opened_at"] {
		t.Fatalf("a second opening restarted the clock: %v then %v", first["opened_at"], again["opened_at"])
	}
	if u := open(untimed); u["remaining_seconds"] != nil {
		t.Fatalf("untimed question has a countdown: %v", u)
	}
	save := func(q int64, v string) map[string]any {
		t.Helper()
		return cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%d", base, q), map[string]any{"value": v}).json(t)["answer"].(map[string]any)
	}
	advance(35 * time.Second) // 65 s after opening: inside the grace
	if a := save(timed, "Because I like the team."); a["late_seconds"] != nil {
		t.Fatalf("answer within the grace flagged late: %v", a)
	}
	advance(35 * time.Second) // 100 s: 30 s past deadline + grace
	if a := save(timed, "Because I like the team and the product."); a["late_seconds"] != float64(30) || a["value"] != "Because I like the team and the product." {
		t.Fatalf("late answer: %v, want kept with late_seconds 30", a)
	}
	if a := save(untimed, "No."); a["late_seconds"] != nil {
		t.Fatalf("untimed answer flagged late: %v", a)
	}

	// The reviewer's PDF flags the late answer for a person.
	cand.mustStatus(204, "POST", base+"/submit", nil)
	rows, err := s.a.Store().Results(context.Background(), s.wid, int64(iv["id"].(float64)), 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("results: %v %v", rows, err)
	}
	rep, err := s.a.results.BuildReport(context.Background(), &rows[0].Result)
	if err != nil {
		t.Fatal(err)
	}
	if flags := fmt.Sprint(rep.Questions[0].Flags); !strings.Contains(flags, "Last saved 30 s after the question's 1 min time limit") {
		t.Fatalf("report flags of the late answer: %s", flags)
	}
	if len(rep.Questions[1].Flags) != 0 {
		t.Fatalf("untimed answer flagged in the report: %v", rep.Questions[1].Flags)
	}
}
