package smartrecruiters_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/smartrecruiters"
	"github.com/hireloop/hireloop/ats/smartrecruiters/fake"
)

// withCompany sets the company identifier (IntegrationID) the screening
// questions need.
func withCompany(id string) func(*ats.Config) {
	return func(c *ats.Config) { c.IntegrationID = id }
}

func jobsByID(t *testing.T, c *smartrecruiters.Client) map[string]ats.Job {
	t.Helper()
	out := map[string]ats.Job{}
	for _, j := range atstest.All(t, c.ListJobs) {
		out[j.ID] = j
	}
	return out
}

// wantQuestions is what fake.Questions becomes: one question per field,
// "<question>:<field>" ids and "question: field" labels for multi-field
// questions, and no diversity (complianceType) field.
var wantQuestions = []ats.Question{
	{ID: "work-permit", Label: "Do you have a work permit for the US?", Type: ats.QuestionSingleChoice, Required: true,
		Options: []ats.Option{{ID: "yes", Label: "Yes"}, {ID: "no", Label: "No"}}},
	{ID: "languages:language", Label: "Languages: Language", Type: ats.QuestionText, Required: true},
	{ID: "languages:level", Label: "Languages: Level", Type: ats.QuestionSingleChoice,
		Options: []ats.Option{{ID: "basic", Label: "Basic"}, {ID: "fluent", Label: "Fluent"}, {ID: "native", Label: "Native"}}},
	{ID: "start-date", Label: "Earliest start date", Type: ats.QuestionDate},
	{ID: "motivation", Label: "Why do you want to join us?", Type: ats.QuestionLongText},
	{ID: "relocate", Label: "Willing to relocate?", Type: ats.QuestionYesNo},
	{ID: "about-you:skills", Label: "About you: Tools you use", Type: ats.QuestionMultiChoice,
		Options: []ats.Option{{ID: "go", Label: "Go"}, {ID: "sql", Label: "SQL"}}},
}

func TestScreeningQuestions(t *testing.T) {
	// PageSize 1 pages the postings list (3 postings: job 0 has two ads,
	// job 1 one, job 2 none) by offset too.
	c, f := newPair(t, atstest.Options{PageSize: 1}, withCompany(fake.CompanyIdentifier))
	jobs := jobsByID(t, c)
	j0, j1, j2 := jobs[fake.JobID(0)], jobs[fake.JobID(1)], jobs[fake.JobID(2)]
	// Job 0's non-default ad comes first and has its own posting: the
	// default ad's posting must win.
	if !reflect.DeepEqual(j0.ScreeningQuestions, wantQuestions) {
		t.Fatalf("job 0 questions:\n got %+v\nwant %+v", j0.ScreeningQuestions, wantQuestions)
	}
	if !reflect.DeepEqual(j1.ScreeningQuestions, wantQuestions) {
		t.Fatalf("job 1 questions: %+v", j1.ScreeningQuestions)
	}
	if j2.ScreeningQuestions != nil { // no job ad, so no posting
		t.Fatalf("job 2 questions: %+v", j2.ScreeningQuestions)
	}
	for _, q := range j0.ScreeningQuestions {
		if strings.Contains(q.ID, "gender") || strings.Contains(q.Label, "Gender") {
			t.Fatalf("compliance field imported: %+v", q)
		}
	}
	if !strings.Contains(j0.DescriptionText, "Go engineer") {
		t.Fatalf("description lost: %q", j0.DescriptionText)
	}
	// Ids are stable across reads.
	again := jobsByID(t, c)
	if !reflect.DeepEqual(again[fake.JobID(0)].ScreeningQuestions, j0.ScreeningQuestions) {
		t.Fatal("questions changed between reads")
	}
	// The postings are listed once per ListJobs call, not once per page of
	// jobs (3 jobs at page size 1 are 3 pages).
	before := f.Requests()
	_ = atstest.All(t, c.ListJobs)
	jobPages, adReads, configs, postingPages := 3, 3, 2, 3
	if got := f.Requests() - before; got != jobPages+adReads+configs+postingPages {
		t.Fatalf("ListJobs made %d requests, want %d", got, jobPages+adReads+configs+postingPages)
	}
}

func TestScreeningQuestionsNeedCompany(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	before := f.Requests()
	jobs := jobsByID(t, c)
	for id, j := range jobs {
		if j.ScreeningQuestions != nil {
			t.Fatalf("job %s has questions without a company identifier: %+v", id, j.ScreeningQuestions)
		}
	}
	// One /jobs page and one /jobs/{id}/jobads per job, as before.
	if got, want := f.Requests()-before, 1+len(jobs); got != want {
		t.Fatalf("ListJobs made %d requests, want %d (no postings requests)", got, want)
	}
	if err := c.Test(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestScreeningQuestionsConfigurationGone(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, withCompany(fake.CompanyIdentifier))
	f.HideConfiguration(fake.JobID(1))
	jobs := jobsByID(t, c)
	if len(jobs) != 3 {
		t.Fatalf("got %d jobs", len(jobs))
	}
	if q := jobs[fake.JobID(1)].ScreeningQuestions; q != nil {
		t.Fatalf("job 1 questions: %+v", q)
	}
	if !reflect.DeepEqual(jobs[fake.JobID(0)].ScreeningQuestions, wantQuestions) {
		t.Fatalf("job 0 questions: %+v", jobs[fake.JobID(0)].ScreeningQuestions)
	}
}

// An unknown company leaves the sync without questions but fails Test with
// a message that points at the setting.
func TestUnknownCompany(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, withCompany("NoSuchCo"))
	for id, j := range jobsByID(t, c) {
		if j.ScreeningQuestions != nil {
			t.Fatalf("job %s: %+v", id, j.ScreeningQuestions)
		}
	}
	err := c.Test(context.Background())
	if !errors.Is(err, ats.ErrNotConfigured) || !strings.Contains(err.Error(), "integration_id") ||
		!strings.Contains(err.Error(), "Company identifier") || !strings.Contains(err.Error(), `"NoSuchCo"`) {
		t.Fatalf("Test() = %v", err)
	}
	ok, _ := newPair(t, atstest.Options{}, withCompany(fake.CompanyIdentifier))
	if err := ok.Test(context.Background()); err != nil {
		t.Fatalf("Test() with the right company = %v", err)
	}
}

// Any other error on the postings list or a configuration fails the read:
// only 403/404 mean "no questions".
func TestQuestionReadErrors(t *testing.T) {
	for name, faults := range map[string][]atstest.Fault{
		"postings": {{}, {Kind: atstest.FaultUnauthorized, Message: "bad token"}},
		// /jobs, postings, job 0's ads, then its configuration.
		"configuration": {{}, {}, {}, {Kind: atstest.FaultUnauthorized, Message: "bad token"}},
	} {
		t.Run(name, func(t *testing.T) {
			c, f := newPair(t, atstest.Options{}, withCompany(fake.CompanyIdentifier))
			f.Inject(faults...)
			err := c.ListJobs(context.Background(), ats.ListOptions{}, func([]ats.Job) error { return nil })
			if !errors.Is(err, ats.ErrUnauthorized) {
				t.Fatalf("ListJobs = %v, want the 401", err)
			}
		})
	}
}
