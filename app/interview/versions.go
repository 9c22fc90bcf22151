package interview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// Versioned questionnaires. Results compare candidates, so everyone must be
// compared on the questions they were asked: publishing freezes version 1,
// and a change of a published interview's questions is saved as a new
// version that invitations sent from then on get, while candidates invited
// before keep theirs (and are scored and reported on it). A typo can be
// fixed in the current version instead, but only while nobody has started
// it, and only in prompts and help texts: anything the scorer or the
// candidate's answer depends on makes a new version.

// Change says what a save did to the questions; the API returns it so the
// console can say so.
type Change string

// The changes Update reports.
const (
	ChangeNone    Change = "none"     // the questions are as they were
	ChangeInPlace Change = "in_place" // a draft's questions, edited in place
	ChangeFix     Change = "fix"      // a wording fix of the current version
	ChangeVersion Change = "version"  // a new version
)

// What Request.QuestionChange may ask for when a published interview's
// questions change; empty means a new version.
const (
	AskVersion = "version"
	AskFix     = "fix"
)

// saveQuestions stores iv, edited from before, by the rules above.
func (s *Service) saveQuestions(ctx context.Context, before, iv *store.Interview, ask string, userID int64) (Change, error) {
	same := sameQuestions(before.Questions, iv.Questions)
	switch {
	case before.Status == "draft":
		if err := s.Store.SaveInterview(ctx, iv); err != nil {
			return "", versionError(err, iv.Version)
		}
		if same {
			return ChangeNone, nil
		}
		return ChangeInPlace, nil
	case same:
		// Nothing to version: the rows stay untouched, whatever ids or
		// position numbers the request carried.
		iv.Questions = before.Questions
		return ChangeNone, apperr.NotFoundIs(s.Store.SaveInterviewSettings(ctx, iv))
	case ask == AskFix:
		if !wordingOnly(before.Questions, iv.Questions) {
			return "", apperr.Conflict("not_wording_only", fmt.Sprintf("Only the wording of questions (prompts and help texts) can be fixed in version %d. "+
				"Adding, removing or reordering questions, or changing types, choices, rubrics, knockout rules or limits makes version %d.", iv.Version, iv.Version+1))
		}
		// The same questions in the same order: the rows are the version's.
		for i := range iv.Questions {
			iv.Questions[i].ID = before.Questions[i].ID
		}
		if err := s.Store.SaveInterview(ctx, iv); err != nil {
			return "", versionError(err, iv.Version)
		}
		s.Log.Info("Interview wording fixed", slog.Int64("interview_id", iv.ID), slog.Int("version", iv.Version))
		return ChangeFix, nil
	}
	summary := describeChange(before.Questions, iv.Questions)
	var by *int64
	if userID != 0 {
		by = &userID
	}
	if err := s.Store.SaveNewVersion(ctx, iv, by, summary); err != nil {
		return "", versionError(err, iv.Version)
	}
	s.Log.Info("Interview version saved", slog.Int64("interview_id", iv.ID), slog.Int("version", iv.Version), slog.String("summary", summary))
	return ChangeVersion, nil
}

// versionError turns the store's version errors into what the editor shows.
func versionError(err error, version int) error {
	switch {
	case errors.Is(err, store.ErrVersionAnswered):
		return apperr.Conflict("version_answered", fmt.Sprintf("Candidates have already started version %d, so its questions can no longer change. "+
			"Save the change as version %d instead: candidates invited from now on get it.", version, version+1))
	case errors.Is(err, store.ErrVersionFrozen):
		return apperr.Conflict("not_wording_only", fmt.Sprintf("Version %d is published: only the wording of its questions can be fixed.", version))
	case errors.Is(err, store.ErrVersionChanged):
		return apperr.Conflict("version_changed", "Someone saved a new version of this interview meanwhile. Reload it, then make your change again.")
	}
	return apperr.NotFoundIs(err)
}

// canonical is a question as saves compare it: everything it is made of,
// except its row id and position number (the list's order is its order),
// with JSON in one spelling (key order, 2 vs 2.0) and empty values alike
// (no rubric, [] and null). Without wording, prompt and help are left out.
func canonical(q store.Question, wording bool) string {
	if len(q.Rubric) == 0 {
		q.Rubric = nil
	}
	if len(q.Knockout) == 0 {
		q.Knockout = nil
	}
	b, err := json.Marshal(q)
	if err != nil {
		return fmt.Sprintf("%#v", q) // not JSON: compared as written
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "id")
	delete(m, "position")
	if !wording {
		delete(m, "prompt")
		delete(m, "help")
	}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			if x == "" {
				m[k] = nil
			}
		case []any:
			if len(x) == 0 {
				m[k] = nil
			}
		case map[string]any:
			if len(x) == 0 {
				m[k] = nil
			}
		}
	}
	out, _ := json.Marshal(m)
	return string(out)
}

// sameQuestions tells whether two lists ask exactly the same questions in
// the same order.
func sameQuestions(a, b []store.Question) bool {
	return equalBy(a, b, true)
}

// wordingOnly tells whether b differs from a in prompts and help texts only.
func wordingOnly(a, b []store.Question) bool {
	return equalBy(a, b, false)
}

func equalBy(a, b []store.Question, wording bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if canonical(a[i], wording) != canonical(b[i], wording) {
			return false
		}
	}
	return true
}

// describeChange summarises how after differs from before for the version
// list: "2 questions edited, 1 added, 1 removed, order changed". Questions
// are matched by id, and a question sent without its id that is exactly an
// old one (a script resending the list) is that one.
func describeChange(before, after []store.Question) string {
	index := map[int64]int{}
	for i, q := range before {
		index[q.ID] = i
	}
	matched := make([]bool, len(before))
	from := make([]int, len(after)) // the old index of each new question, or -1
	edited := 0
	for j, q := range after {
		from[j] = -1
		if i, ok := index[q.ID]; ok && q.ID != 0 && !matched[i] {
			matched[i], from[j] = true, i
			if canonical(before[i], true) != canonical(q, true) {
				edited++
			}
		}
	}
	for j, q := range after {
		if from[j] >= 0 {
			continue
		}
		for i := range before {
			if !matched[i] && canonical(before[i], true) == canonical(q, true) {
				matched[i], from[j] = true, i
				break
			}
		}
	}
	added, removed, last, reordered := 0, 0, -1, false
	for _, i := range from {
		switch {
		case i < 0:
			added++
		case i < last:
			reordered = true
		default:
			last = i
		}
	}
	for _, m := range matched {
		if !m {
			removed++
		}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{edited, "edited"}, {added, "added"}, {removed, "removed"}} {
		if p.n == 0 {
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, fmt.Sprintf("%d question%s %s", p.n, plural(p.n), p.verb))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.verb))
		}
	}
	if reordered {
		parts = append(parts, "order changed")
	}
	if len(parts) == 0 {
		return "Questions changed"
	}
	s := strings.Join(parts, ", ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// VersionView is one version of an interview's questions, read-only.
type VersionView struct {
	Version   int                     `json:"version"`
	Current   bool                    `json:"current"`
	Published *store.InterviewVersion `json:"published"` // nil: not published yet (a draft)
	Questions []store.Question        `json:"questions"`
}

// Version loads version n of iv's questions, for the editor to show a past
// version as it was asked.
func (s *Service) Version(ctx context.Context, iv *store.Interview, n int) (*VersionView, error) {
	if n < 1 || n > iv.Version {
		return nil, apperr.NotFound()
	}
	qs, err := s.Store.QuestionsOf(ctx, iv.ID, n)
	if err != nil {
		return nil, err
	}
	vs, err := s.Store.InterviewVersions(ctx, iv.ID)
	if err != nil {
		return nil, err
	}
	v := &VersionView{Version: n, Current: n == iv.Version, Questions: qs}
	for i := range vs {
		if vs[i].Version == n {
			v.Published = &vs[i]
		}
	}
	return v, nil
}
