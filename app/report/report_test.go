package report

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// testLogo draws a small two-colour PNG; sixteenBit makes a 16-bit PNG,
// which gofpdf cannot embed as it is.
func testLogo(t testing.TB, sixteenBit bool) []byte {
	t.Helper()
	var img image.Image
	if sixteenBit {
		m := image.NewRGBA64(image.Rect(0, 0, 120, 40))
		for y := 0; y < 40; y++ {
			for x := 0; x < 120; x++ {
				m.Set(x, y, color.RGBA64{R: uint16(x * 500), G: 0x4000, B: 0xe000, A: 0xffff})
			}
		}
		img = m
	} else {
		m := image.NewNRGBA(image.Rect(0, 0, 120, 40))
		for y := 0; y < 40; y++ {
			for x := 0; x < 120; x++ {
				c := color.NRGBA{R: 79, G: 70, B: 229, A: 255}
				if x > 40 {
					c = color.NRGBA{R: 16, G: 185, B: 129, A: 200}
				}
				m.SetNRGBA(x, y, c)
			}
		}
		img = m
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	testName  = "Zoë Ñúñez-Thảo"
	testModel = "qwen2.5-14b-instruct"
	testURL   = "https://hireloop.example.com/r/3f9c2a7e"
)

// sampleReport is a 10-question report with mixed types, a knockout flag, an
// override, a media answer that was not transcribed and non-Latin text.
func sampleReport(t testing.TB) Report {
	yes, no := true, false
	long := strings.Repeat("I led the migration of our payment service from a monolith to three services. ", 12)
	return Report{
		Branding:       Branding{CompanyName: "Łódź Logistics Sp. z o.o.", Color: "#4f46e5", Logo: testLogo(t, false)},
		CandidateName:  testName,
		CandidateEmail: "zoe.nunez@example.com",
		Position:       "Senior Backend Engineer (Łódź, hybrid)",
		InterviewName:  "Backend screening — round 1",
		SubmittedAt:    time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC),
		TimeTaken:      23*time.Minute + 5*time.Second,
		Overall:        ptr(68.4),
		Flags: []string{
			"Knockout: answered “No” to “Do you have the right to work in the EU?”",
			"Required question 9 was not answered",
			"Question 7: video answer not transcribed",
		},
		Questions: []Question{
			{Position: 1, Type: "open", Prompt: "Tell us about a system you designed end to end. What trade-offs did you make?",
				Answer: long + "\n\nThe hardest part was the data migration: we ran both paths for two weeks and compared results.",
				Score:  ptr(4.0),
				Criteria: []Criterion{
					{Name: "Describes a concrete system", Met: &yes, Evidence: "migration of our payment service from a monolith to three services"},
					{Name: "Names trade-offs", Met: &yes, Evidence: "we ran both paths for two weeks and compared results"},
					{Name: "Mentions monitoring", Met: nil},
				},
				Rationale: "Concrete example with a clear trade-off discussion; monitoring was not discussed."},
			{Position: 2, Type: "single_choice", Prompt: "Do you have the right to work in the EU?", Answer: "No",
				Score: ptr(0.0), Criteria: []Criterion{{Name: "Has right to work", Met: &no, Evidence: "No"}},
				Flags: []string{"Knockout: answered “No” to “Do you have the right to work in the EU?”"}},
			{Position: 3, Type: "multi_choice", Prompt: "Which of these have you used in production?",
				Answer: "Go, PostgreSQL, Kafka", Score: ptr(5.0),
				Criteria: []Criterion{{Name: "Go in production", Met: &yes, Evidence: "Go"}}},
			{Position: 4, Type: "number", Prompt: "Expected gross monthly salary in € (EUR)?", Answer: "7500",
				Score: ptr(3.0), Rationale: "Within the band of €6,500–8,000."},
			{Position: 5, Type: "open", Prompt: "How do you handle a production incident at 3 a.m.?",
				Answer: "First I check the dashboards and the on-call runbook, then I page the owner if it's not mine.",
				Score:  ptr(2.0), Overridden: ptr(4.0), OverrideReason: "Candidate clarified the escalation path in the follow-up call",
				Criteria: []Criterion{
					{Name: "Uses runbooks", Met: &yes, Evidence: "the on-call runbook"},
					{Name: "Writes a post-mortem", Met: &no, Evidence: "not mentioned"},
				},
				Rationale: "Scorer gave 2 because the post-mortem was missing; a recruiter raised it to 4."},
			{Position: 6, Type: "audio", Prompt: "Introduce yourself in under two minutes.",
				Answer:    "Cześć! I'm Zoë, I grew up in Łódź and studied in Kraków; my colleague Thảo says I'm the “pragmatic one”.",
				MediaNote: "Audio answer (1:12) — transcribed", Score: ptr(4.0),
				Criteria: []Criterion{{Name: "Clear communication", Met: &yes, Evidence: "I grew up in Łódź and studied in Kraków"}}},
			{Position: 7, Type: "video", Prompt: "Walk us through a code review you disagreed with.",
				Answer: "", MediaNote: "Video answer — not transcribed, reviewed by a person",
				Flags: []string{"Video answer not transcribed"}},
			{Position: 8, Type: "open", Prompt: "What does “done” mean for you?",
				Answer: "Merged, deployed, monitored, and the ticket's acceptance criteria verified by someone else.",
				Score:  ptr(3.5),
				Criteria: []Criterion{
					{Name: "Includes deployment", Met: &yes, Evidence: "deployed, monitored"},
					{Name: "Includes documentation", Met: nil},
				}},
			{Position: 9, Type: "open", Prompt: "Describe your experience with Kubernetes.", Answer: "",
				Flags: []string{"Required question not answered"}},
			{Position: 10, Type: "yes_no", Prompt: "Are you available to start within three months?", Answer: "Yes",
				Score: ptr(5.0)},
		},
		Scorer:        ScorerLLM,
		Model:         testModel,
		PromptVersion: "2026-02-11.3",
		ResultsURL:    testURL,
		GeneratedAt:   time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC),
	}
}

func render(t testing.TB, r Report) []byte {
	t.Helper()
	pdf, err := Render(r)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", pdf[:min(len(pdf), 16)])
	}
	if !bytes.Contains(pdf[max(0, len(pdf)-64):], []byte("%%EOF")) {
		t.Fatal("output has no EOF trailer")
	}
	return pdf
}

// pageObjects counts page objects in the PDF without external tools.
func pageObjects(pdf []byte) int {
	return len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1))
}

func writeTemp(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfInfoPages asks poppler's pdfinfo for the page count; ok is false when
// pdfinfo is not installed.
func pdfInfoPages(t *testing.T, pdf []byte) (n int, ok bool) {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		return 0, false
	}
	out, err := exec.Command("pdfinfo", writeTemp(t, pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo rejected the PDF: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo printed no page count:\n%s", out)
	}
	n, _ = strconv.Atoi(string(m[1]))
	return n, true
}

// pdfPages extracts the text of each page with pdftotext; it skips the test
// when pdftotext is not installed.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", writeTemp(t, pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ") // footer lines may wrap
	}
	return pages
}

func TestRenderFullReport(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	pdf := render(t, r)

	objs := pageObjects(pdf)
	if objs < 2 {
		t.Fatalf("a 10-question report should take several pages, found %d page objects", objs)
	}
	if n, ok := pdfInfoPages(t, pdf); ok && n != objs {
		t.Fatalf("pdfinfo says %d pages, the PDF has %d page objects", n, objs)
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("logo image missing from the PDF")
	}

	pages := pdfPages(t, pdf)
	if len(pages) != objs {
		t.Fatalf("pdftotext found %d pages, want %d", len(pages), objs)
	}
	footer := "Assessed with the help of an AI model: " + testModel + ", prompt version 2026-02-11.3. A person makes every decision."
	if FooterText(r) != footer {
		t.Fatalf("FooterText = %q, want %q", FooterText(r), footer)
	}
	for i, p := range pages {
		if !strings.Contains(p, footer) {
			t.Errorf("page %d lacks the AI footer; text: %q", i+1, p)
		}
		if want := fmt.Sprintf("Page %d of %d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if !strings.Contains(p, "Łódź Logistics Sp. z o.o.") {
			t.Errorf("page %d lacks the company header", i+1)
		}
	}

	all := strings.Join(pages, "\n")
	for _, want := range []string{
		"Interview report",
		testName, "zoe.nunez@example.com", "Łódź", "Kraków", "Thảo", "Cześć", "€6,500–8,000", "“pragmatic one”",
		"Senior Backend Engineer", "Backend screening — round 1",
		"2 March 2026, 14:05 UTC", "23 min 5 s",
		"68.4 / 100", "weighted mean of the question scores, computed by hireloop",
		"Flags for review", FlagsNotice, "Knockout: answered “No”", "Question 7: video answer not transcribed",
		"Questions at a glance",
		"4 / 5 (overridden from 2: Candidate clarified the escalation path in the follow-up call)",
		"4 / 5 · overridden", "Video answer — not transcribed, reviewed by a person", "Audio answer (1:12) — transcribed",
		"Not answered.", "Not discussed", "Not met", "Met",
		"Question 10 · Yes no", "Question 3 · Multi choice",
		testURL, testModel,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// The overview table lists each question number's score.
	if !strings.Contains(all, "3.5 / 5") {
		t.Error("score 3.5 / 5 missing")
	}
	// Page 1 starts with the header, title and score, not with a question.
	if !strings.Contains(pages[0], "68.4 / 100") || !strings.Contains(pages[0], "Candidate") {
		t.Errorf("page 1 should carry the summary; got %q", pages[0])
	}
}

func TestBuiltinScorerFooter(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	r.Scorer, r.Model, r.PromptVersion = ScorerBuiltin, "", ""
	want := "Closed questions were scored by the recruiter's rules and open answers by a person's rubric checklist (no AI). A person makes every decision."
	if got := FooterText(r); got != want {
		t.Fatalf("FooterText = %q, want %q", got, want)
	}
	// A model left over from an earlier LLM run must not win over the scorer.
	r2 := r
	r2.Model = testModel
	if got := FooterText(r2); got != want {
		t.Fatalf("builtin scorer with a stale model: FooterText = %q", got)
	}

	pages := pdfPages(t, render(t, r))
	for i, p := range pages {
		if !strings.Contains(p, want) {
			t.Errorf("page %d lacks the built-in footer; text: %q", i+1, p)
		}
		if strings.Contains(p, "Assessed with the help of an AI model") {
			t.Errorf("page %d claims AI assessment for the built-in scorer", i+1)
		}
	}
}

func TestFooterTextVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"llm without details", Report{Scorer: ScorerLLM},
			"Assessed with the help of an AI model: model not recorded, prompt version not recorded. A person makes every decision."},
		{"model without scorer", Report{Model: "m1", PromptVersion: "v2"},
			"Assessed with the help of an AI model: m1, prompt version v2. A person makes every decision."},
		{"nothing scored", Report{},
			"No automated scorer assessed this interview. A person makes every decision."},
	} {
		if got := FooterText(tc.r); got != tc.want {
			t.Errorf("%s: FooterText = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNoLogoNoOverallNoFlags(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	r.Branding.Logo = nil
	r.Overall = nil
	r.Flags = nil
	for i := range r.Questions {
		r.Questions[i].Flags = nil
	}
	pdf := render(t, r)
	if bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("PDF has an image although no logo was given")
	}
	all := strings.Join(pdfPages(t, pdf), "\n")
	for _, want := range []string{"Not scored", "No overall score", "Łódź Logistics", testName} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	for _, notWant := range []string{"/ 100", "Flags for review", FlagsNotice} {
		if strings.Contains(all, notWant) {
			t.Errorf("PDF text has %q although it should not", notWant)
		}
	}
}

func TestQuestionFlagsFillAnEmptyFlagsBox(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	r.Flags = nil
	all := strings.Join(pdfPages(t, render(t, r)), "\n")
	for _, want := range []string{"Flags for review", FlagsNotice, "Question 7: Video answer not transcribed",
		"Question 9: Required question not answered", "Question 2: Knockout"} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// With report-level flags the box does not repeat the questions' own flags.
	all = strings.Join(pdfPages(t, render(t, sampleReport(t))), "\n")
	if strings.Contains(all, "Question 9: Required question not answered") {
		t.Error("flags box repeats question flags next to the report's flags")
	}
}

func TestEmptyReportRenders(t *testing.T) {
	t.Parallel()
	pdf := render(t, Report{})
	if n := pageObjects(pdf); n != 1 {
		t.Errorf("empty report has %d pages, want 1", n)
	}
	all := strings.Join(pdfPages(t, pdf), "\n")
	for _, want := range []string{"Interview report", "Name not recorded", "Not scored", "This interview has no questions.",
		"No automated scorer assessed this interview."} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestLongAnswer(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	var sb strings.Builder
	for i := 0; sb.Len() < 30000; i++ {
		fmt.Fprintf(&sb, "Paragraph %d: the quick brown fox from Łódź jumps over the lazy dog again and again. ", i)
		if i%7 == 6 {
			sb.WriteString("\n\n")
		}
	}
	answer := sb.String()
	total := len([]rune(strings.TrimSpace(answer)))
	r.Questions[0].Answer = answer
	// An unbroken 3,000-character token and an over-long prompt must not break the layout either.
	r.Questions[2].Answer = strings.Repeat("x", 3000)
	r.Questions[3].Prompt = strings.Repeat("What is the meaning of this very long question? ", 80)

	pdf := render(t, r)
	n := pageObjects(pdf)
	if n < 3 || n > 15 {
		t.Errorf("long-answer report has %d pages; the cut at %d characters should keep it short", n, MaxAnswerRunes)
	}
	pages := pdfPages(t, pdf)
	all := strings.Join(pages, "\n")
	note := fmt.Sprintf("the first 4,000 of %s characters are shown", fmtThousands(total))
	if !strings.Contains(all, note) {
		t.Errorf("PDF text lacks the shortening note %q", note)
	}
	if !strings.Contains(all, "Paragraph 0:") || !strings.Contains(all, "Paragraph 10:") {
		t.Error("the start of the long answer is missing")
	}
	if strings.Contains(all, "Paragraph 60:") {
		t.Error("text beyond the 4,000-character cut was printed")
	}
	for i, p := range pages {
		if !strings.Contains(p, FooterText(r)) {
			t.Errorf("page %d lacks the footer", i+1)
		}
	}
}

func TestInvalidColourFallsBack(t *testing.T) {
	t.Parallel()
	def, _ := hexColor(DefaultColor)
	for _, in := range []string{"", "nonsense", "#12345", "#gggggg", "rgb(1,2,3)", "#ffffff", "#fff", "#fefefe"} {
		if got := parseColor(in); *got != *def {
			t.Errorf("parseColor(%q) = %+v, want the default %+v", in, *got, *def)
		}
	}
	for in, want := range map[string][3]int{
		"#0a7d3b": {10, 125, 59}, "0A7D3B": {10, 125, 59}, " #c00 ": {204, 0, 0}, "#4f46e5": {79, 70, 229},
	} {
		got := parseColor(in)
		if got.Red != want[0] || got.Green != want[1] || got.Blue != want[2] {
			t.Errorf("parseColor(%q) = %+v, want %v", in, *got, want)
		}
	}
	r := sampleReport(t)
	r.Branding.Color = "not-a-colour"
	all := strings.Join(pdfPages(t, render(t, r)), "\n")
	if !strings.Contains(all, testName) {
		t.Error("report with an invalid colour lacks the candidate name")
	}
}

func TestLogoVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		logo      []byte
		wantImage bool
	}{
		{"png", testLogo(t, false), true},
		{"16-bit png is redrawn", testLogo(t, true), true},
		{"garbage", []byte("definitely not an image"), false},
		{"truncated png", testLogo(t, false)[:60], false},
		{"gif is not supported", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), false},
	} {
		r := sampleReport(t)
		r.Questions = r.Questions[:2]
		r.Branding.Logo = tc.logo
		pdf := render(t, r)
		if got := bytes.Contains(pdf, []byte("/Subtype /Image")); got != tc.wantImage {
			t.Errorf("%s: image in PDF = %v, want %v", tc.name, got, tc.wantImage)
		}
	}
	b, ext, ok := prepareLogo(testLogo(t, true))
	if !ok || ext != "png" || !plainPNG(b) {
		t.Errorf("16-bit PNG was not re-encoded as a plain PNG (ok=%v ext=%q)", ok, ext)
	}
	big := image.NewNRGBA(image.Rect(0, 0, 2000, 500))
	var buf bytes.Buffer
	if err := png.Encode(&buf, big); err != nil {
		t.Fatal(err)
	}
	b, _, ok = prepareLogo(buf.Bytes())
	if !ok {
		t.Fatal("large PNG rejected")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != maxLogoPixels || cfg.Height != 150 {
		t.Errorf("large logo downscaled to %dx%d (err %v), want %dx150", cfg.Width, cfg.Height, err, maxLogoPixels)
	}
}

func TestAwkwardText(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	r.CandidateName = "Emoji 😀 Name\tWith\x00Controls\r\nand\xffbad UTF-8"
	r.Questions[0].Answer = "Line one\r\nLine two\n\n\n\nLine three with 👍 and \u2028 separators"
	pages := pdfPages(t, render(t, r))
	all := strings.Join(pages, "\n")
	if !strings.Contains(all, "Emoji \uFFFD Name With") {
		t.Errorf("cleaned candidate name missing; page 1: %q", pages[0])
	}
	for _, want := range []string{"Line one", "Line two", "Line three with \uFFFD and"} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestConcurrentRenders(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	// gofpdf writes into the font buffer it parses; Render hands it copies,
	// so the embedded fonts must stay as they were.
	before := sha256.Sum256(fontRegular)
	defer func() {
		if sha256.Sum256(fontRegular) != before {
			t.Error("the embedded regular font was modified by rendering")
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pdf, err := Render(r)
			if err == nil && !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				err = fmt.Errorf("not a PDF")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestTextHelpers(t *testing.T) {
	t.Parallel()
	if got, cut := truncate("hello world again", 12); got != "hello world…" || !cut {
		t.Errorf("truncate = %q, %v", got, cut)
	}
	if got, cut := truncate("Łódź", 4); got != "Łódź" || cut {
		t.Errorf("truncate within limit = %q, %v", got, cut)
	}
	c := chunks("a\n\n\nb "+strings.Repeat("word ", 500), 100, 10)
	if c[0] != "a" || c[1] != "" || c[2] == "" {
		t.Errorf("chunks did not keep one paragraph break: %q", c[:3])
	}
	for _, s := range c {
		if len([]rune(s)) > 100 {
			t.Errorf("chunk of %d runes exceeds 100", len([]rune(s)))
		}
	}
	if got := breakLongWords("ab "+strings.Repeat("x", 25), 10); got != "ab xxxxxxxxxx xxxxxxxxxx xxxxx" {
		t.Errorf("breakLongWords = %q", got)
	}
	if got := humanType("single_choice"); got != "Single choice" {
		t.Errorf("humanType = %q", got)
	}
	if got := fmtDuration(65*time.Minute + 30*time.Second); got != "1 h 05 min" {
		t.Errorf("fmtDuration = %q", got)
	}
	if got := fmtThousands(1234567); got != "1,234,567" {
		t.Errorf("fmtThousands = %q", got)
	}
	if got := scoreText(Question{Overridden: ptr(3.0)}); got != "3 / 5 (overridden from Not scored)" {
		t.Errorf("scoreText = %q", got)
	}
}

// TestWriteSample writes a sample PDF and a PNG of page 1 to
// $REPORT_SAMPLE_DIR for a person to look at; it does nothing otherwise.
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("REPORT_SAMPLE_DIR")
	if dir == "" {
		t.Skip("set REPORT_SAMPLE_DIR to write a sample report")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(p, render(t, sampleReport(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	long := sampleReport(t)
	long.Branding.Logo, long.Overall = nil, nil
	long.Questions[0].Answer = strings.Repeat("I kept the old and the new billing paths running side by side for two weeks. "+
		"Every night a job compared their results and paged me on any difference. ", 60)
	if err := os.WriteFile(filepath.Join(dir, "report-long-answer.pdf"), render(t, long), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "110", p, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
	t.Logf("sample written to %s", dir)
}

// BenchmarkRender10Questions renders the 10-question sample 30 times per
// iteration and reports the median wall time of one render.
func BenchmarkRender10Questions(b *testing.B) {
	r := sampleReport(b)
	const renders = 30
	var times []float64
	for b.Loop() {
		for i := 0; i < renders; i++ {
			start := time.Now()
			if _, err := Render(r); err != nil {
				b.Fatal(err)
			}
			times = append(times, float64(time.Since(start).Microseconds())/1000)
		}
	}
	sort.Float64s(times)
	b.ReportMetric(times[len(times)/2], "median-ms")
	b.ReportMetric(times[len(times)*9/10], "p90-ms")
	b.ReportMetric(renders, "renders/op")
}
