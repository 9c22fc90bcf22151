package personio

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

func TestTimeShapes(t *testing.T) {
	want := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, in := range []string{
		`{"date-time": "2026-06-01T10:00:00", "timezone": "Europe/Berlin"}`,  // CEST, UTC+2
		`{"date-time": "2026-06-01T08:00:00Z", "timezone": "Europe/Berlin"}`, // an offset wins
		`{"date-time": "2026-06-01T08:00:00", "timezone": "Not/AZone"}`,      // unknown zone: UTC
		`"2026-06-01T10:00:00+02:00"`,
		`"2026-06-01T08:00:00.000Z"`,
	} {
		var p pTime
		if err := json.Unmarshal([]byte(in), &p); err != nil || !p.Equal(want) {
			t.Errorf("%s → %v (%v)", in, p.Time, err)
		}
	}
	for _, in := range []string{`null`, `""`, `"garbage"`, `{}`, `42`} {
		var p pTime
		if err := json.Unmarshal([]byte(in), &p); err != nil || !p.IsZero() {
			t.Errorf("%s → %v (%v), want zero", in, p.Time, err)
		}
	}
	var d pTime
	if err := json.Unmarshal([]byte(`"2026-06-03"`), &d); err != nil || !d.Equal(time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date → %v", d.Time)
	}
}

func TestGtParam(t *testing.T) {
	base := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	for in, want := range map[time.Time]string{
		base:                             "2026-06-01T07:59:59Z", // at-or-after a whole second
		base.Add(time.Millisecond):       "2026-06-01T08:00:00Z",
		base.Add(999 * time.Millisecond): "2026-06-01T08:00:00Z",
		base.In(time.FixedZone("x", 3600)).Add(1500 * time.Millisecond): "2026-06-01T08:00:01Z",
	} {
		if got := gtParam(in); got != want {
			t.Errorf("gtParam(%v) = %s, want %s", in, got, want)
		}
	}
}

// TestApplicationsSample maps testdata/applications-page.json: object and
// string timestamps, a system stage without id, a rejection reason, and an
// application without a job (skipped).
func TestApplicationsSample(t *testing.T) {
	b, err := os.ReadFile("testdata/applications-page.json")
	if err != nil {
		t.Fatal(err)
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	rows := env.Data
	if env.nextHref() != "" {
		t.Fatal("last page has a next link")
	}
	apps, err := ats.DecodeRows(Name, "GET "+applicationsPath, rows, applicationFromWire)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 {
		t.Fatalf("%d applications, want 2 (the one without a job is skipped)", len(apps))
	}
	a := apps[0]
	if a.ID != "495039" || a.CandidateID != "c1" || a.JobID != "j1" || a.StageID != "s1" || a.StageName != "Interview" ||
		a.Status != ats.ApplicationActive || !a.UpdatedAt.Equal(time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC)) ||
		!a.AppliedAt.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first = %+v", a)
	}
	r := apps[1]
	if r.StageID != "personio:rejected" || r.StageName != "Rejected" || r.Status != ats.ApplicationRejected ||
		r.RejectionReasonID != "rr-7" || r.RejectionReasonName != "Overqualified" ||
		!r.UpdatedAt.Equal(time.Date(2026, 6, 4, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("rejected = %+v", r)
	}
	var w wireApplication
	_ = json.Unmarshal(rows[1], &w)
	s, raw, ok := w.stage()
	st, ok2 := s.toStage(raw, 3)
	if !ok || !ok2 || st.ID != "personio:rejected" || st.RemoteID != "" || st.Kind != ats.StageKindRejected || st.Order != 3 {
		t.Errorf("synthetic stage = %+v", st)
	}
}

func TestStageKinds(t *testing.T) {
	for s, want := range map[wireStage]ats.StageKind{
		{Type: "rejected"}:                     ats.StageKindRejected,
		{Kind: "system", Type: "withdrawn"}:    ats.StageKindRejected,
		{Kind: "system", Type: "hired"}:        ats.StageKindHired,
		{Type: "offer_accepted"}:               ats.StageKindHired,
		{Type: "unassigned"}:                   ats.StageKindInbox,
		{Kind: "interview", Type: "interview"}: ats.StageKindNone,
		{Name: "Rejected"}:                     ats.StageKindRejected, // names only without type/kind
		{Name: "Rejected", Type: "interview"}:  ats.StageKindNone,
	} {
		if got := s.kind(); got != want {
			t.Errorf("%+v → %q, want %q", s, got, want)
		}
	}
}

func TestDecodeErrorSample(t *testing.T) {
	b, err := os.ReadFile("testdata/problem-404.json")
	if err != nil {
		t.Fatal(err)
	}
	kind, code, msg, _ := decodeError(http.StatusNotFound, nil, b)
	if kind != nil || code != "trace cbd3b23d-f2a3-4191-8837-35df659b1abc" ||
		msg != "Not Found: The endpoint with /v2/recruiting/jobs was not found." {
		t.Fatalf("kind=%v code=%q msg=%q", kind, code, msg)
	}
	kind, _, _, _ = decodeError(http.StatusBadRequest, nil, b)
	var iie *ats.InvalidInputError
	if !errors.As(kind, &iie) {
		t.Fatalf("400 kind = %v", kind)
	}
}

func TestTokenErrorSample(t *testing.T) {
	b, err := os.ReadFile("testdata/token-error.json")
	if err != nil {
		t.Fatal(err)
	}
	e := tokenError(http.StatusBadRequest, http.Header{}, b)
	if !errors.Is(e, ats.ErrUnauthorized) || ats.VendorMessage(e) != "The client credentials are invalid." {
		t.Fatalf("err = %v", e)
	}
	for body, want := range map[string]error{
		`{"error":"invalid_scope","error_description":"x"}`:   ats.ErrForbidden,
		`{"error":"invalid_client","error_description":"x"}`:  ats.ErrUnauthorized,
		`{"error":"invalid_request","error_description":"x"}`: nil,
	} {
		e := tokenError(http.StatusBadRequest, http.Header{}, []byte(body))
		if want != nil && !errors.Is(e, want) {
			t.Errorf("%s → %v", body, e)
		}
		var iie *ats.InvalidInputError
		if want == nil && !errors.As(e, &iie) {
			t.Errorf("%s → %v, want invalid input", body, e)
		}
	}
	if e := tokenError(http.StatusUnauthorized, http.Header{}, nil); !errors.Is(e, ats.ErrUnauthorized) {
		t.Errorf("401 → %v", e)
	}
	if e := tokenError(http.StatusBadGateway, http.Header{}, []byte("<html>")); !ats.IsTransient(e) {
		t.Errorf("502 → %v", e)
	}
}

func TestExpiresIn(t *testing.T) {
	for in, want := range map[string]time.Duration{`86400`: 24 * time.Hour, `"3600"`: time.Hour, `0`: defaultTokenTTL, ``: defaultTokenTTL, `null`: defaultTokenTTL} {
		if got := ats.ExpiresIn(json.RawMessage(in), defaultTokenTTL); got != want {
			t.Errorf("expiresIn(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestCategoryStagesLenient(t *testing.T) {
	var got []string
	srv := newJSONServer(t, map[string]string{
		categoriesPath:   `{"_data":[{"id":"51","name":"A","stages":["1001",{"id":"1002","name":"Screening","kind":"custom","type":"screening"}]},{"id":"52","name":"B","stages":{"unexpected":true}},{"id":"53","name":"C"}]}`,
		applicationsPath: `{"_data":[{"id":"1","candidate":{"id":"c"},"job":{"id":"j"},"current_stage":{"id":"1003","name":"Onsite","kind":"custom","type":"interview"}}]}`,
	})
	c, err := New(ats.Config{BaseURL: srv, APIKey: "s", IntegrationID: "i", RateLimit: ats.RateLimit{Requests: 100, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.ListStages(t.Context(), ats.ListOptions{}, func(p []ats.Stage) error {
		for _, s := range p {
			got = append(got, s.ID+"="+s.Name)
		}
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != "1002=Screening" || got[1] != "1003=Onsite" {
		t.Fatalf("stages = %v, %v", got, err)
	}
}
