package app

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/app/writeback"
)

// figures reads the integrity signals of question qid from a list the API
// returned ("signals" of the candidate view or the result page).
func figures(t *testing.T, list any, qid int64) map[string]float64 {
	t.Helper()
	items, _ := list.([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if int64(m["question_id"].(float64)) == qid {
			out := map[string]float64{}
			for k, v := range m {
				if f, ok := v.(float64); ok && k != "question_id" {
					out[k] = f
				}
			}
			return out
		}
	}
	return nil
}

func TestCandidateSignalsAreCheckedClampedAndKept(t *testing.T) {
	s := newInterviewSetup(t)
	_, tok, _ := inviteOne(t, s)
	cand := &client{t: t, a: s.a}
	base := "/api/candidate/" + tok
	qs := cand.mustStatus(200, "GET", base, nil).json(t)["questions"].([]any)
	qid := int64(qs[0].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("%s/answers/%d/signals", base, qid)

	if r := cand.do("PUT", path, map[string]any{"paste_count": 1}); r.Status != 409 || r.errCode(t) != "not_started" {
		t.Fatalf("signals before start: %d %s", r.Status, r.Body)
	}
	cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})

	// Negative figures are refused by name; figures that are not whole
	// numbers do not decode.
	r := cand.do("PUT", path, map[string]any{"paste_count": -1, "away_ms": -5, "burst_chars": 10})
	if r.Status != 422 || r.errCode(t) != "invalid_input" {
		t.Fatalf("negative: %d %s", r.Status, r.Body)
	}
	fields := r.json(t)["error"].(map[string]any)["fields"].(map[string]any)
	if fields["paste_count"] == nil || fields["away_ms"] == nil || fields["burst_chars"] != nil {
		t.Fatalf("negative fields: %v", fields)
	}
	if r := cand.do("PUT", path, map[string]any{"paste_count": "many"}); r.Status != 400 {
		t.Fatalf("text figure: %d %s", r.Status, r.Body)
	}
	if r := cand.do("PUT", path, map[string]any{"paste_count": 1.5}); r.Status != 400 {
		t.Fatalf("fractional figure: %d %s", r.Status, r.Body)
	}
	// A question of another interview is not this page's.
	_, other := s.createInterview(t)
	otherQ := int64(other["questions"].([]any)[0].(map[string]any)["id"].(float64))
	if r := cand.do("PUT", fmt.Sprintf("%s/answers/%d/signals", base, otherQ), map[string]any{"paste_count": 1}); r.Status != 404 ||
		r.errCode(t) != "unknown_question" {
		t.Fatalf("foreign question: %d %s", r.Status, r.Body)
	}

	// Nonsense is clamped: counts and characters to their bounds, time away
	// to the time since the interview started, the burst to one field.
	got := cand.mustStatus(200, "PUT", path, map[string]any{"paste_count": 1e9, "paste_chars": 1e12, "away_count": 3,
		"away_ms": 1e12, "typed_chars": 50, "typing_ms": 1e12, "burst_chars": 1e7, "burst_ms": 1e7}).json(t)["signals"].(map[string]any)
	want := map[string]float64{"paste_count": 10_000, "paste_chars": 1_000_000, "away_count": 3, "typed_chars": 50,
		"burst_chars": 20_000, "burst_ms": 10_000}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for _, k := range []string{"away_ms", "typing_ms"} {
		if ms := got[k].(float64); ms <= 0 || ms > 60_000 {
			t.Errorf("%s = %v, want at most the minute since the start", k, ms)
		}
	}
	// Figures that need each other: no burst means no burst duration.
	other2 := int64(qs[1].(map[string]any)["id"].(float64))
	got = cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%d/signals", base, other2),
		map[string]any{"paste_chars": 300, "away_ms": 4000, "burst_ms": 900}).json(t)["signals"].(map[string]any)
	if got["paste_chars"] != 0.0 || got["away_ms"] != 0.0 || got["burst_ms"] != 0.0 {
		t.Fatalf("orphan figures kept: %v", got)
	}

	// Running totals: a retry and a late older save change nothing.
	q2 := int64(qs[2].(map[string]any)["id"].(float64))
	p2 := fmt.Sprintf("%s/answers/%d/signals", base, q2)
	totals := map[string]any{"paste_count": 2, "paste_chars": 412, "away_count": 2, "away_ms": 1500, "typed_chars": 120,
		"typing_ms": 3000, "burst_chars": 0, "burst_ms": 0}
	cand.mustStatus(200, "PUT", p2, totals)
	cand.mustStatus(200, "PUT", p2, totals)
	cand.mustStatus(200, "PUT", p2, map[string]any{"paste_count": 1, "paste_chars": 100, "away_count": 1, "away_ms": 1000})
	// The page reads its own figures back, to carry on after a reload.
	view := cand.mustStatus(200, "GET", base, nil).json(t)
	f := figures(t, view["signals"], q2)
	if f["paste_count"] != 2 || f["paste_chars"] != 412 || f["away_count"] != 2 || f["away_ms"] != 1500 || f["typed_chars"] != 120 {
		t.Fatalf("stored after retries: %v", f)
	}
	if !strings.Contains(view["ai_disclosure"].(string), "pasted") || !strings.Contains(view["ai_disclosure"].(string), "never part of the score") {
		t.Fatalf("the AI notice does not tell about the signals: %q", view["ai_disclosure"])
	}

	// After submission the page takes no more.
	for _, q := range qs {
		m := q.(map[string]any)
		if m["required"] == true {
			v := any("yes")
			switch m["type"] {
			case "text":
				v = "An answer."
			case "multi_choice":
				v = []string{m["options"].([]any)[0].(string)}
			case "single_choice":
				v = m["options"].([]any)[0].(string)
			case "number":
				v = "3"
			}
			cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%v", base, m["id"]), map[string]any{"value": v})
		}
	}
	cand.mustStatus(204, "POST", base+"/submit", nil)
	if r := cand.do("PUT", p2, totals); r.Status != 409 {
		t.Fatalf("signals after submit: %d %s", r.Status, r.Body)
	}
}

// twoCandidates publishes the interview of submitted() on a stage where
// at least two applications sit, and returns two candidates' link tokens.
func twoCandidates(t *testing.T, s *interviewSetup) (ivID int64, tokens [2]string) {
	t.Helper()
	sm := s.fake.Samples()
	apps := s.admin.mustStatus(200, "GET", s.ws("/applications?status=active&limit=200"), nil).json(t)["applications"].([]any)
	per := map[[2]string]int{}
	var job, stage string
	for _, a := range apps {
		m := a.(map[string]any)
		k := [2]string{m["job_ext_id"].(string), m["stage_ext_id"].(string)}
		if per[k]++; per[k] == 2 && job == "" {
			job, stage = k[0], k[1]
		}
	}
	var pid int64
	for _, p := range s.admin.mustStatus(200, "GET", s.ws("/positions?limit=100"), nil).json(t)["positions"].([]any) {
		if p.(map[string]any)["ext_id"] == job {
			pid = int64(p.(map[string]any)["id"].(float64))
		}
	}
	if pid == 0 {
		t.Fatal("the fake's seed has no stage with two active applications; change the seed")
	}
	iv := s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{
		"position_id": pid, "stage_ext_id": stage, "completed_stage_ext_id": sm.OtherStageID,
		"tag_score_threshold": 1, "tag_score_name": "hireloop: strong",
		"questions": []map[string]any{
			{"type": "text", "prompt": "Tell us about leading a migration.", "required": true,
				"rubric": []map[string]any{{"name": "Migration planning", "weight": 1, "strong": "plans rollback and phases"}}},
			{"type": "yes_no", "prompt": "Work permit?", "required": true, "knockout": map[string]any{"values": []string{"no"}, "reason": "No permit"}},
			{"type": "number", "prompt": "Years of Go?", "required": true},
		},
	}).json(t)["interview"].(map[string]any)
	ivID = int64(iv["id"].(float64))
	n := int(s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", ivID)), nil).json(t)["invited"].(float64))
	msgs := s.mp.WaitFor(t, n, 15*time.Second)
	if len(msgs) < 2 {
		t.Fatalf("%d invitations, want at least 2", len(msgs))
	}
	for i := range tokens {
		tokens[i] = linkRe.FindStringSubmatch(s.mp.Message(t, msgs[i].ID).Text)[1]
	}
	return ivID, tokens
}

// Integrity signals reach the reviewer, and nothing else: a candidate with
// many signals gets the same score, the same flags and the same queued ATS
// writes as one without any, for the same answers.
func TestSignalsReachTheReviewerButNeverTheScoreOrTheATS(t *testing.T) {
	s := newInterviewSetup(t)
	// A scorer that scores the open answer too, so there is an overall
	// score (and a score tag) that signals could move.
	s.a.results.ScorerFor = func(context.Context, int64) (scoring.Scorer, error) { return scoring.NewKeywordCoverage(), nil }
	runWorkers(t, s)
	ivID, tokens := twoCandidates(t, s)
	// "yes": no knockout, so nothing holds the score tag back.
	answers := []any{"I planned the migration planning in phases. We kept a rollback ready.", "yes", "4"}
	var flagged int64
	for i, tok := range tokens {
		cand := &client{t: t, a: s.a}
		base := "/api/candidate/" + tok
		cand.mustStatus(204, "POST", base+"/start", map[string]bool{"consent": true})
		qs := cand.mustStatus(200, "GET", base, nil).json(t)["questions"].([]any)
		for j, q := range qs {
			qid := int64(q.(map[string]any)["id"].(float64))
			cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%d", base, qid), map[string]any{"value": answers[j]})
			if i == 0 {
				flagged = qid
				cand.mustStatus(200, "PUT", fmt.Sprintf("%s/answers/%d/signals", base, qid), map[string]any{"paste_count": 3,
					"paste_chars": 412, "away_count": 2, "away_ms": 2000, "typed_chars": 40, "typing_ms": 9000, "burst_chars": 900, "burst_ms": 700})
			}
		}
		cand.mustStatus(204, "POST", base+"/submit", nil)
	}

	// Both scored, and their follow-up queued.
	var rows []map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows = rows[:0]
		for _, r := range s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d/results", ivID)), nil).json(t)["results"].([]any) {
			rows = append(rows, r.(map[string]any))
		}
		ready := len(rows) == 2
		for _, r := range rows {
			res, err := s.a.Store().ResultForWorker(context.Background(), int64(r["id"].(float64)))
			ready = ready && r["status"] == "scored" && err == nil && res.FollowupAt != nil
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("results not scored and followed up: %v", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}

	type outcome struct {
		Overall any
		Details any
		Flags   any
		Writes  []string
	}
	byEmail := map[string]outcome{}
	var withSignals string
	for _, row := range rows {
		rid := int64(row["id"].(float64))
		page := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/results/%d", rid)), nil).json(t)
		r := page["result"].(map[string]any)
		o := outcome{Overall: r["overall"], Details: r["details"], Flags: r["flags"]}
		writes, err := s.a.Store().ATSWritesForResult(context.Background(), s.wid, rid)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range writes {
			// The same write for another result differs only in its ids.
			var p writeback.Payload
			if err := json.Unmarshal([]byte(w.Payload), &p); err != nil {
				t.Fatal(err)
			}
			p.ApplicationID, p.CandidateID, p.ResultID = "", "", 0
			b, _ := json.Marshal(p)
			id := strconv.FormatInt(rid, 10)
			o.Writes = append(o.Writes, strings.NewReplacer("/results/"+id, "/results/N", "result "+id, "result N", "result:"+id+":", "result:N:").
				Replace(w.Action+" "+w.IdempotencyKey+" "+string(b)))
		}
		sort.Strings(o.Writes)
		email := page["candidate"].(map[string]any)["email"].(string)
		byEmail[email] = o
		if f := figures(t, page["signals"], flagged); f != nil {
			withSignals = email
			if f["paste_count"] != 3 || f["paste_chars"] != 412 || f["away_count"] != 2 || f["away_ms"] != 2000 || f["burst_chars"] != 900 ||
				f["burst_ms"] != 700 {
				t.Fatalf("the reviewer sees %v", f)
			}
		} else if l := page["signals"].([]any); len(l) != 0 {
			t.Fatalf("signals for the candidate who had none: %v", l)
		}

		// Another workspace cannot read the result, signals included.
		other := s.admin.mustStatus(201, "POST", "/api/workspaces", map[string]string{"name": fmt.Sprintf("Other client %d", rid)}).json(t)
		owid := int64(other["workspace"].(map[string]any)["id"].(float64))
		s.admin.mustStatus(404, "GET", fmt.Sprintf("/api/workspaces/%d/results/%d", owid, rid), nil)
		stranger, _ := newUser(t, s.a, fmt.Sprintf("stranger%d@example.com", rid), false)
		stranger.mustStatus(404, "GET", s.ws(fmt.Sprintf("/results/%d", rid)), nil)
	}
	if withSignals == "" || len(byEmail) != 2 {
		t.Fatalf("results: %v", byEmail)
	}
	var a, b outcome
	for email, o := range byEmail {
		if email == withSignals {
			a = o
		} else {
			b = o
		}
	}
	if a.Overall == nil || !strings.Contains(strings.Join(a.Writes, "\n"), "add_tag") {
		t.Fatalf("no overall score or no score tag; the comparison would prove little: %+v", a)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("signals changed the outcome:\nwith    %+v\nwithout %+v", a, b)
	}
	if strings.Contains(fmt.Sprint(a.Flags, a.Details, a.Writes), "paste") {
		t.Fatalf("signals leaked into flags, details or ATS writes: %+v", a)
	}
}
