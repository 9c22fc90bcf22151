package interview

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// noWatch stands in for the watchdog: these tests never invite through it.
type noWatch struct{}

func (noWatch) Publish(context.Context, *store.Interview) (int, error) { return 0, nil }
func (noWatch) Schedule(*store.Interview)                              {}
func (noWatch) Unschedule(int64)                                       {}
func (noWatch) TickSoon(int64)                                         {}

type versionSetup struct {
	t    *testing.T
	st   *store.Store
	svc  *Service
	ws   int64
	user int64
}

func newVersionSetup(t *testing.T) *versionSetup {
	st := openStore(t)
	u, ws, err := st.SetupFirstAdmin(context.Background(), "ann@example.com", "Ann", "hash", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return &versionSetup{t: t, st: st, ws: ws.ID, user: u.ID,
		svc: &Service{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Watch: noWatch{}}}
}

// request is the editor's PUT body for iv as it is, with its questions.
func request(iv *store.Interview) Request {
	qs := make([]store.Question, len(iv.Questions))
	copy(qs, iv.Questions)
	for i := range qs {
		qs[i].Options = append([]string(nil), qs[i].Options...)
	}
	return Request{Name: iv.Name, DeadlineDays: iv.DeadlineDays, Questions: qs}
}

func (v *versionSetup) create() *store.Interview {
	v.t.Helper()
	iv, err := v.svc.Create(context.Background(), v.ws, Request{Name: "Backend", Questions: []store.Question{
		{Type: "text", Prompt: "Tell us about a migration.", Required: true, Rubric: json.RawMessage(`[{"name":"Planning","weight":2,"strong":"phases"}]`)},
		{Type: "single_choice", Prompt: "Shift?", Options: []string{"Early", "Late"}},
		{Type: "yes_no", Prompt: "Work permit?", Knockout: json.RawMessage(`{"values":["no"],"reason":"No permit"}`)},
	}})
	if err != nil {
		v.t.Fatal(err)
	}
	return v.load(iv.ID)
}

func (v *versionSetup) load(id int64) *store.Interview {
	v.t.Helper()
	iv, err := v.st.Interview(context.Background(), v.ws, id)
	if err != nil {
		v.t.Fatal(err)
	}
	return iv
}

func (v *versionSetup) publish(iv *store.Interview) *store.Interview {
	v.t.Helper()
	if err := v.st.StartPublish(context.Background(), v.ws, iv.ID, 0); err != nil {
		v.t.Fatal(err)
	}
	return v.load(iv.ID)
}

// update saves req over a fresh copy of interview id.
func (v *versionSetup) update(id int64, req Request) (Change, *store.Interview, error) {
	v.t.Helper()
	iv := v.load(id)
	ch, err := v.svc.Update(context.Background(), iv, req, v.user)
	return ch, iv, err
}

func (v *versionSetup) versions(id int64) []store.InterviewVersion {
	v.t.Helper()
	vs, err := v.st.InterviewVersions(context.Background(), id)
	if err != nil {
		v.t.Fatal(err)
	}
	return vs
}

func conflictCode(err error) string {
	if e, ok := apperr.As(err); ok && e.Status == 409 {
		return e.Code
	}
	return ""
}

func TestDraftQuestionsAreEditedInPlace(t *testing.T) {
	v := newVersionSetup(t)
	iv := v.create()
	req := request(iv)
	req.Questions = req.Questions[1:] // drop the first
	req.Questions[0].Options = []string{"Early", "Late", "Night"}
	ch, got, err := v.update(iv.ID, req)
	if err != nil || ch != ChangeInPlace {
		t.Fatalf("draft edit: %q %v", ch, err)
	}
	if got.Version != 1 || len(got.Questions) != 2 || got.Questions[0].ID != iv.Questions[1].ID {
		t.Fatalf("draft after the edit: version %d %+v", got.Version, got.Questions)
	}
	if vs := v.versions(iv.ID); len(vs) != 0 {
		t.Fatalf("a draft has versions: %+v", vs)
	}
}

func TestLiveEditMakesANewVersion(t *testing.T) {
	v := newVersionSetup(t)
	iv := v.publish(v.create())
	if vs := v.versions(iv.ID); len(vs) != 1 || vs[0].Version != 1 {
		t.Fatalf("publishing did not freeze version 1: %+v", vs)
	}
	req := request(iv)
	req.Questions[0].Rubric = json.RawMessage(`[{"name":"Planning","weight":3,"strong":"phases"}]`)
	req.Questions = append(req.Questions[:1], req.Questions[2]) // remove "Shift?"
	req.Questions = append(req.Questions, store.Question{Type: "number", Prompt: "Years of Go?"})
	ch, got, err := v.update(iv.ID, req)
	if err != nil || ch != ChangeVersion {
		t.Fatalf("live edit: %q %v", ch, err)
	}
	if got.Version != 2 || len(got.Questions) != 3 || got.Questions[0].ID == iv.Questions[0].ID {
		t.Fatalf("after the edit: version %d %+v", got.Version, got.Questions)
	}
	vs := v.versions(iv.ID)
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].Summary != "1 question edited, 1 added, 1 removed" || vs[0].CreatedBy == nil || *vs[0].CreatedBy != v.user {
		t.Fatalf("versions: %+v", vs)
	}
	old, _ := v.st.QuestionsOf(context.Background(), iv.ID, 1)
	if len(old) != 3 || old[1].Prompt != "Shift?" || string(old[0].Rubric) != string(iv.Questions[0].Rubric) {
		t.Fatalf("version 1 changed: %+v", old)
	}
	// Reordering is a change of the questionnaire too.
	req = request(v.load(iv.ID))
	req.Questions[0], req.Questions[1] = req.Questions[1], req.Questions[0]
	if ch, got, err := v.update(iv.ID, req); err != nil || ch != ChangeVersion || got.Version != 3 {
		t.Fatalf("reorder: %q %v", ch, err)
	}
	if vs := v.versions(iv.ID); vs[0].Summary != "Order changed" {
		t.Fatalf("reorder summary: %q", vs[0].Summary)
	}
}

func TestUnchangedQuestionsMakeNoVersion(t *testing.T) {
	v := newVersionSetup(t)
	iv := v.publish(v.create())
	req := request(iv)
	// Settings change; the questions come back as a script might send
	// them: no ids, other position numbers, JSON spelled differently.
	req.Name, req.DeadlineDays = "Backend engineer", 10
	for i := range req.Questions {
		req.Questions[i].ID, req.Questions[i].Position = 0, 40+i
	}
	req.Questions[0].Rubric = json.RawMessage(`[{"strong":"phases","weight":2.0,"name":"Planning"}]`)
	req.Questions[1].Knockout = json.RawMessage(`null`)
	ch, got, err := v.update(iv.ID, req)
	if err != nil || ch != ChangeNone {
		t.Fatalf("settings-only save: %q %v", ch, err)
	}
	if got.Version != 1 || got.Name != "Backend engineer" || got.DeadlineDays != 10 || got.Questions[0].ID != iv.Questions[0].ID {
		t.Fatalf("after a settings-only save: %+v", got)
	}
	if vs := v.versions(iv.ID); len(vs) != 1 {
		t.Fatalf("versions after a settings-only save: %+v", vs)
	}
}

func TestWordingFixOnlyForWordingAndBeforeAnswers(t *testing.T) {
	v := newVersionSetup(t)
	ctx := context.Background()
	iv := v.publish(v.create())

	// Not wording: a choice changes.
	req := request(iv)
	req.QuestionChange = AskFix
	req.Questions[1].Options = []string{"Early", "Late", "Night"}
	if _, _, err := v.update(iv.ID, req); conflictCode(err) != "not_wording_only" {
		t.Fatalf("fixing a choice: %v", err)
	}
	// Wording: prompt and help, on the same rows of version 1.
	req = request(iv)
	req.QuestionChange = AskFix
	req.Questions[2].Prompt, req.Questions[2].Help = "Do you have a work permit for the EU?", "Answer for the country of the job."
	for i := range req.Questions {
		req.Questions[i].ID = 0 // the rows are found by position
	}
	ch, got, err := v.update(iv.ID, req)
	if err != nil || ch != ChangeFix || got.Version != 1 || got.Questions[2].ID != iv.Questions[2].ID || got.Questions[2].Prompt != "Do you have a work permit for the EU?" {
		t.Fatalf("wording fix: %q %v %+v", ch, err, got)
	}
	if vs := v.versions(iv.ID); len(vs) != 1 {
		t.Fatalf("a fix made a version: %+v", vs)
	}

	// Once someone started version 1, a fix is refused, and the same
	// change without "fix" makes version 2.
	n, err := v.st.CreateInvitations(ctx, got, "publish", []store.NewInvitation{{
		StageCandidate: store.StageCandidate{ApplicationExtID: "app-1", Email: "c@example.com"}, TokenHash: []byte("h"), SealedToken: []byte("s"),
	}})
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	invs, _ := v.st.Invitations(ctx, v.ws, iv.ID)
	if err := v.st.StartInvitation(ctx, invs[0].ID); err != nil {
		t.Fatal(err)
	}
	req = request(got)
	req.QuestionChange = AskFix
	req.Questions[0].Prompt = "Tell us about a database migration."
	if _, _, err := v.update(iv.ID, req); conflictCode(err) != "version_answered" {
		t.Fatalf("fix after a start: %v", err)
	}
	req.QuestionChange = ""
	if ch, got, err := v.update(iv.ID, req); err != nil || ch != ChangeVersion || got.Version != 2 {
		t.Fatalf("the same change as a new version: %q %v", ch, err)
	}
	if vs := v.versions(iv.ID); vs[0].Summary != "1 question edited" || vs[1].Answered != 1 {
		t.Fatalf("versions: %+v", vs)
	}
	req.QuestionChange = "sometimes"
	if _, _, err := v.update(iv.ID, req); err == nil {
		t.Fatal("an unknown question_change was accepted")
	}
}

func TestDescribeChange(t *testing.T) {
	q := func(id int64, prompt string) store.Question {
		return store.Question{ID: id, Type: "text", Prompt: prompt, MaxMediaS: 180}
	}
	before := []store.Question{q(1, "A"), q(2, "B"), q(3, "C")}
	for _, tc := range []struct {
		after []store.Question
		want  string
	}{
		{[]store.Question{q(1, "A"), q(2, "B2"), q(3, "C2")}, "2 questions edited"},
		{[]store.Question{q(1, "A"), q(3, "C")}, "1 question removed"},
		{[]store.Question{q(1, "A"), q(2, "B"), q(3, "C"), q(0, "D")}, "1 question added"},
		{[]store.Question{q(3, "C"), q(1, "A"), q(2, "B")}, "Order changed"},
		{[]store.Question{q(0, "A"), q(0, "B"), q(0, "C"), q(0, "D")}, "1 question added"}, // resent without ids
		{[]store.Question{q(2, "B!"), q(0, "E")}, "1 question edited, 1 added, 2 removed"},
	} {
		if got := describeChange(before, tc.after); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.after, got, tc.want)
		}
	}
}
