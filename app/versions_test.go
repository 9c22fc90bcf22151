package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// editBody is the editor's PUT body for an interview as the API returned
// it, with its questions replaced.
func editBody(iv map[string]any, questions []any, change string) map[string]any {
	body := map[string]any{}
	for _, k := range []string{"name", "kind", "language", "intro", "job_description", "deadline_days", "reminder_hours", "connection_id",
		"job_ext_id", "stage_ext_id", "sync_results", "completed_stage_ext_id", "accept_stage_ext_id", "reject_reason_ext_id",
		"watch_interval_seconds", "tag_score_threshold", "tag_score_name", "tag_accepted_name"} {
		body[k] = iv[k]
	}
	body["questions"] = questions
	if change != "" {
		body["question_change"] = change
	}
	return body
}

// copyQuestions deep-copies the questions of an API interview so they can
// be edited for a request.
func copyQuestions(iv map[string]any) []any {
	var out []any
	for _, q := range iv["questions"].([]any) {
		c := map[string]any{}
		for k, v := range q.(map[string]any) {
			c[k] = v
		}
		out = append(out, c)
	}
	return out
}

func prompts(qs []any) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.(map[string]any)["prompt"].(string))
	}
	return out
}

// inviteToken creates an invitation through the store, as the watchdog
// would for someone entering the stage now, and returns its link token.
func inviteToken(t *testing.T, s *interviewSetup, id int64, app string) string {
	t.Helper()
	ctx := context.Background()
	iv, err := s.a.Store().Interview(ctx, s.wid, id)
	if err != nil {
		t.Fatal(err)
	}
	tok := secret.Token(32)
	if n, err := s.a.Store().CreateInvitations(ctx, iv, "watchdog", []store.NewInvitation{{
		StageCandidate: store.StageCandidate{ApplicationExtID: app, Email: app + "@example.com", FirstName: "Late"},
		TokenHash:      secret.Hash(tok), SealedToken: []byte("unused"),
	}}); err != nil || n != 1 {
		t.Fatalf("invite: %d %v", n, err)
	}
	return tok
}

// A live interview's questions change: candidates already invited keep
// answering version 1 and are scored, reported and shared on it; people
// invited from then on get version 2; results compare within a version.
func TestLiveEditMakesAVersionAndInvitedCandidatesKeepTheirs(t *testing.T) {
	s := newInterviewSetup(t)
	runWorkers(t, s)
	id, tok, _ := inviteOne(t, s)
	ivPath := s.ws(fmt.Sprintf("/interviews/%d", id))
	got := s.admin.mustStatus(200, "GET", ivPath, nil).json(t)
	v1 := got["interview"].(map[string]any)
	if v1["version"] != float64(1) || len(got["versions"].([]any)) != 1 {
		t.Fatalf("published interview: version %v, versions %v", v1["version"], got["versions"])
	}
	v1Prompts := prompts(v1["questions"].([]any))

	// Candidate A starts version 1 and answers its first question.
	cand := &client{t: t, a: s.a}
	base := "/api/candidate/" + tok
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})
	qs := cand.mustStatus(200, "GET", base, nil).json(t)["questions"].([]any)
	qid := func(i int) any { return qs[i].(map[string]any)["id"] }
	cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%v", base, qid(0)), map[string]any{"value": "I led our billing migration."})

	// Now version 1 takes no wording fix, and a fix must be wording only.
	fix := copyQuestions(v1)
	fix[1].(map[string]any)["prompt"] = "Do you have a work permit for the EU or Switzerland?"
	if r := s.admin.do("PUT", ivPath, editBody(v1, fix, "fix")); r.Status != 409 || r.errCode(t) != "version_answered" {
		t.Fatalf("wording fix after a candidate answered: %d %s", r.Status, r.Body)
	}
	notWording := copyQuestions(v1)
	notWording[2].(map[string]any)["options"] = []string{"Early", "Late", "Night"}
	if r := s.admin.do("PUT", ivPath, editBody(v1, notWording, "fix")); r.Status != 409 || r.errCode(t) != "not_wording_only" {
		t.Fatalf("a choice changed as a wording fix: %d %s", r.Status, r.Body)
	}

	// The default: version 2, without the answered question.
	edit := copyQuestions(v1)[1:]
	edit[0].(map[string]any)["prompt"] = "Do you have a work permit for the EU or Switzerland?"
	r := s.admin.mustStatus(200, "PUT", ivPath, editBody(v1, edit, "")).json(t)
	v2 := r["interview"].(map[string]any)
	vs := r["versions"].([]any)
	if r["question_change"] != "version" || v2["version"] != float64(2) || len(v2["questions"].([]any)) != 4 || len(vs) != 2 {
		t.Fatalf("live edit: %v", r)
	}
	if latest := vs[0].(map[string]any); latest["summary"] != "1 question edited, 1 removed" || latest["created_by_email"] != "ada@example.com" {
		t.Fatalf("version 2: %v", latest)
	}
	if first := vs[1].(map[string]any); first["answered"] != float64(1) || first["invitations"].(float64) < 1 {
		t.Fatalf("version 1: %v", first)
	}
	// Saving the same again changes nothing.
	same := s.admin.mustStatus(200, "PUT", ivPath, editBody(v2, copyQuestions(v2), "")).json(t)
	if same["question_change"] != "none" || same["interview"].(map[string]any)["version"] != float64(2) {
		t.Fatalf("unchanged save: %v", same)
	}

	// Candidate A still sees, answers and submits version 1.
	view := cand.mustStatus(200, "GET", base, nil).json(t)
	if p := prompts(view["questions"].([]any)); strings.Join(p, "|") != strings.Join(v1Prompts, "|") {
		t.Fatalf("candidate A's questions after the edit: %v, want %v", p, v1Prompts)
	}
	cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%v", base, qid(1)), map[string]any{"value": "yes"})
	cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%v", base, qid(4)), map[string]any{"value": "6"})
	cand.mustStatus(204, "POST", base+"/submit", nil)

	// Candidate B, invited now, gets version 2 and only its questions.
	late := &client{t: t, a: s.a}
	lbase := "/api/candidate/" + inviteToken(t, s, id, "late-app")
	lview := late.mustStatus(200, "GET", lbase, nil).json(t)
	if p := prompts(lview["questions"].([]any)); len(p) != 4 || p[0] != "Do you have a work permit for the EU or Switzerland?" {
		t.Fatalf("candidate B's questions: %v", p)
	}
	// Nobody started version 2 yet (B only looked): a wording fix applies
	// in place, and B sees it.
	v2 = s.admin.mustStatus(200, "GET", ivPath, nil).json(t)["interview"].(map[string]any)
	typo := copyQuestions(v2)
	typo[3].(map[string]any)["prompt"] = "Years of professional experience"
	fixed := s.admin.mustStatus(200, "PUT", ivPath, editBody(v2, typo, "fix")).json(t)
	if fixed["question_change"] != "fix" || fixed["interview"].(map[string]any)["version"] != float64(2) {
		t.Fatalf("wording fix of version 2: %v", fixed)
	}
	if p := prompts(late.mustStatus(200, "GET", lbase, nil).json(t)["questions"].([]any)); p[3] != "Years of professional experience" {
		t.Fatalf("candidate B after the fix: %v", p)
	}
	late.mustStatus(204, "POST", lbase+"/start", map[string]bool{"consent": true})
	if r := late.do("PUT", fmt.Sprintf("%s/answers/%v", lbase, qid(0)), map[string]any{"value": "x"}); r.Status != 404 {
		t.Fatalf("candidate B answering a question of version 1: %d %s", r.Status, r.Body)
	}

	// A's result is scored, reported and shared on version 1.
	var rows []any
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		rows = s.admin.mustStatus(200, "GET", ivPath+"/results", nil).json(t)["results"].([]any)
		if len(rows) == 1 && rows[0].(map[string]any)["status"] == "scored" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(rows) != 1 || rows[0].(map[string]any)["status"] != "scored" || rows[0].(map[string]any)["version"] != float64(1) {
		t.Fatalf("results: %v", rows)
	}
	for q, want := range map[string]int{"?version=1": 1, "?version=2": 0} {
		if n := len(s.admin.mustStatus(200, "GET", ivPath+"/results"+q, nil).json(t)["results"].([]any)); n != want {
			t.Fatalf("results%s: %d, want %d", q, n, want)
		}
	}
	s.admin.mustStatus(422, "GET", ivPath+"/results?version=first", nil)

	rid := int64(rows[0].(map[string]any)["id"].(float64))
	rpath := s.ws(fmt.Sprintf("/results/%d", rid))
	res := s.admin.mustStatus(200, "GET", rpath, nil).json(t)
	if res["version"] != float64(1) || strings.Join(prompts(res["interview"].(map[string]any)["questions"].([]any)), "|") != strings.Join(v1Prompts, "|") {
		t.Fatalf("result page: version %v, questions %v", res["version"], res["interview"].(map[string]any)["questions"])
	}
	scored := map[any]bool{}
	for _, d := range res["result"].(map[string]any)["details"].([]any) {
		scored[d.(map[string]any)["question_id"]] = true
	}
	if len(scored) != 5 || !scored[qid(0)] {
		t.Fatalf("scored questions %v, want version 1's", scored)
	}
	result, err := s.a.Store().ResultByID(context.Background(), s.wid, rid)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.a.results.BuildReport(context.Background(), result)
	if err != nil || len(rep.Questions) != 5 || rep.Questions[0].Prompt != v1Prompts[0] || rep.Questions[0].Answer != "I led our billing migration." {
		t.Fatalf("report: %+v %v", rep.Questions, err)
	}
	sh := s.admin.mustStatus(201, "POST", rpath+"/shares", map[string]int{"hours": 1}).json(t)["url"].(string)
	shared := (&client{t: t, a: s.a}).mustStatus(200, "GET", "/api/shared/results/"+sh[strings.LastIndex(sh, "/r/")+3:], nil).json(t)
	if len(shared["questions"].([]any)) != 5 {
		t.Fatalf("shared view questions: %v", shared["questions"])
	}

	// Past versions can be read back.
	old := s.admin.mustStatus(200, "GET", ivPath+"/versions/1", nil).json(t)
	if old["current"] != false || len(old["questions"].([]any)) != 5 || old["published"].(map[string]any)["summary"] != "Published" {
		t.Fatalf("version 1: %v", old)
	}
	if cur := s.admin.mustStatus(200, "GET", ivPath+"/versions/2", nil).json(t); cur["current"] != true || len(cur["questions"].([]any)) != 4 {
		t.Fatalf("version 2: %v", cur)
	}
	s.admin.mustStatus(404, "GET", ivPath+"/versions/3", nil)
	s.admin.mustStatus(404, "GET", ivPath+"/versions/0", nil)
}
