// Package report renders the PDF interview report that hireloop stores,
// offers for download and attaches to the candidate's application in the ATS.
//
// The report is built with maroto v2 on embedded DejaVu Sans faces, so names
// such as Łódź, Zoë or Thảo print correctly without system fonts. Render is
// safe for concurrent use.
package report

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Branding is the workspace's look: its name and colour in the page header
// and, when given, its logo.
type Branding struct {
	CompanyName string
	// Color is a hex colour such as "#4f46e5" (or "#45e"). Invalid or
	// near-white values fall back to DefaultColor.
	Color string
	// Logo is optional PNG or JPEG bytes. Unreadable logos are left out.
	Logo []byte
}

// Criterion is one rubric point of a question and what the scorer found.
type Criterion struct {
	Name string
	// Met is true (met), false (not met) or nil (not discussed).
	Met      *bool
	Evidence string
}

// Question is one question of the interview with the candidate's answer and
// its assessment.
type Question struct {
	Position int
	Prompt   string
	Type     string
	// Answer is the text, the chosen options joined, or the number; "" means
	// not answered.
	Answer string
	// MediaNote describes an audio or video answer, e.g.
	// "Audio answer (1:12) — transcribed".
	MediaNote string
	// Score is 1..5 for open questions and 0..5 for closed ones; nil means
	// not scored.
	Score *float64
	// Overridden is the score a person set instead of Score, with the reason.
	Overridden     *float64
	OverrideReason string
	Criteria       []Criterion
	Rationale      string
	Flags          []string
	// Signals are shown as a neutral line of figures, never as flags.
	Signals Signals
}

// Report is everything the PDF shows.
type Report struct {
	Branding       Branding
	CandidateName  string
	CandidateEmail string
	Position       string
	InterviewName  string
	SubmittedAt    time.Time
	TimeTaken      time.Duration
	// Overall is 0..100, the weighted mean of the question scores; nil means
	// not scored.
	Overall   *float64
	Flags     []string
	Questions []Question
	// Scorer is "llm" or "builtin"; Model and PromptVersion name the AI model
	// and prompt when Scorer is "llm".
	Scorer        string
	Model         string
	PromptVersion string
	ResultsURL    string
	GeneratedAt   time.Time
}

// DefaultColor is the brand colour used when Branding.Color is empty,
// invalid or too light to read on white.
const DefaultColor = "#4f46e5"

// MaxAnswerRunes is how much of an answer the report prints; longer answers
// are cut with a note pointing to hireloop for the full text.
const MaxAnswerRunes = 4000

// Scorer values.
const (
	ScorerLLM     = "llm"
	ScorerBuiltin = "builtin"
)

// Layout constants, in millimetres and points.
const (
	marginLeft   = 15.0
	marginRight  = 15.0
	marginTop    = 12.0
	marginBottom = 14.0

	sizeBody  = 9.5
	sizeSmall = 8.0
	sizeLabel = 8.5

	chunkRunes   = 600 // longest text piece in one row; see chunks
	wordFull     = 70  // longest unbroken word across the full width
	wordNarrow   = 24  // longest unbroken word in a table column
	evidenceCut  = 160 // runes of evidence shown in the overview table
	promptCut    = 2000
	rationaleCut = 3000
	quoteCut     = 800
	lineCut      = 300 // names, flags and other one-line values

	// Fixed heights of the header rows repeated on every page.
	headerTop    = 11.0
	headerRule   = 2.0
	headerGap    = 4.0
	headerHeight = headerTop + headerRule + headerGap
)

var (
	colorText   = &props.Color{Red: 31, Green: 41, Blue: 55}
	colorMuted  = &props.Color{Red: 107, Green: 114, Blue: 128}
	colorRule   = &props.Color{Red: 209, Green: 213, Blue: 219}
	colorShade  = &props.Color{Red: 243, Green: 244, Blue: 246}
	colorFlagBg = &props.Color{Red: 254, Green: 243, Blue: 199}
	colorFlagFg = &props.Color{Red: 146, Green: 64, Blue: 14}
	colorMet    = &props.Color{Red: 21, Green: 128, Blue: 61}
	colorNotMet = &props.Color{Red: 185, Green: 28, Blue: 28}
)

// Render lays out r as an A4 PDF and returns its bytes.
func Render(r Report) (pdf []byte, err error) {
	// maroto and gofpdf panic on some malformed input; a report must never
	// take the process down.
	defer func() {
		if p := recover(); p != nil {
			pdf, err = nil, fmt.Errorf("report: render panicked: %v", p)
		}
	}()

	fonts, err := customFonts()
	if err != nil {
		return nil, fmt.Errorf("report: load fonts: %w", err)
	}
	brand := parseColor(r.Branding.Color)

	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginLeft).
		WithRightMargin(marginRight).
		WithTopMargin(marginTop).
		WithBottomMargin(marginBottom).
		WithCustomFonts(fonts).
		WithDefaultFont(&props.Font{Family: fontFamily, Size: sizeBody, Color: colorText}).
		WithPageNumber(props.PageNumber{
			Pattern: "Page {current} of {total}",
			Place:   props.RightBottom,
			Family:  fontFamily,
			Size:    sizeSmall - 0.5,
			Color:   colorMuted,
		}).
		WithTitle(titleFor(r), true).
		WithCreator("hireloop", true).
		WithSubject("Interview report", true).
		WithAuthor(oneLine(r.Branding.CompanyName), true).
		Build()

	b := &builder{m: maroto.New(cfg), brand: brand}
	if err := b.m.RegisterFooter(b.footer(r)...); err != nil {
		return nil, fmt.Errorf("report: footer: %w", err)
	}
	if err := b.m.RegisterHeader(b.header(r.Branding)...); err != nil {
		return nil, fmt.Errorf("report: header: %w", err)
	}

	b.title(r)
	b.overall(r.Overall)
	b.flags(r)
	b.overview(r.Questions)
	for i := range r.Questions {
		b.question(r.Questions[i])
	}
	b.closing(r)

	doc, err := b.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("report: generate: %w", err)
	}
	if doc == nil || len(doc.GetBytes()) == 0 {
		return nil, errors.New("report: generate returned no document")
	}
	return doc.GetBytes(), nil
}

// FooterText is the sentence printed at the foot of every page: who or what
// produced the scores, and that a person decides.
func FooterText(r Report) string {
	switch {
	case r.Scorer == ScorerBuiltin:
		return "Closed questions were scored by the recruiter's rules and open answers by a person's rubric checklist (no AI). A person makes every decision."
	case r.Scorer == ScorerLLM || r.Model != "":
		model := oneLine(r.Model)
		if model == "" {
			model = "model not recorded"
		}
		version := oneLine(r.PromptVersion)
		if version == "" {
			version = "not recorded"
		}
		return fmt.Sprintf("Assessed with the help of an AI model: %s, prompt version %s. A person makes every decision.",
			trunc(model, 80), trunc(version, 40))
	default:
		return "No automated scorer assessed this interview. A person makes every decision."
	}
}

// FlagsNotice is printed with every flags box.
const FlagsNotice = "Flags are for a person to review. They never reject anyone on their own."

type builder struct {
	m     core.Maroto
	brand *props.Color
}

func (b *builder) add(rows ...core.Row) { b.m.AddRows(rows...) }

func (b *builder) space(h float64) { b.add(row.New(h)) }

// keepTogether starts a new page unless h millimetres still fit on the
// current one, so a heading is not left alone at the foot of a page. maroto
// has no page-break call: the gap is filled with an empty row just short of
// the page's remaining space, which makes the next row open a new page.
func (b *builder) keepTogether(h float64) {
	// FitlnCurrentPage counts the repeated header twice (it is both in the
	// page's rows and in its header height); fits corrects for that.
	fits := func(x float64) bool { return b.m.FitlnCurrentPage(x - headerHeight) }
	if fits(h) || !fits(0) {
		return
	}
	lo, hi := 0.0, h
	for i := 0; i < 20; i++ {
		mid := (lo + hi) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo > 0.05 {
		b.add(row.New(lo - 0.02))
	}
}

// paragraph adds cleaned text as one or more rows.
func (b *builder) paragraph(s string, p props.Text) {
	for _, c := range chunks(s, chunkRunes, wordFull) {
		if c == "" {
			b.space(2)
			continue
		}
		b.add(text.NewAutoRow(c, p))
	}
}

func body() props.Text {
	return props.Text{Family: fontFamily, Size: sizeBody, Color: colorText, VerticalPadding: 0.9}
}

func label(s string) core.Row {
	return text.NewAutoRow(s, props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: sizeLabel, Color: colorMuted, Top: 2, Bottom: 0.8,
	})
}

func (b *builder) header(br Branding) []core.Row {
	name := trunc(oneLine(br.CompanyName), 80)
	nameProps := props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: 13, Color: b.brand, Top: 2.5,
	}
	top := row.New(headerTop)
	if logo, ext, ok := prepareLogo(br.Logo); ok {
		nameProps.Left = 3
		top.Add(
			image.NewFromBytesCol(3, logo, ext, props.Rect{Percent: 100, Left: 0, Top: 0}),
			text.NewCol(9, name, nameProps),
		)
	} else {
		top.Add(text.NewCol(12, name, nameProps))
	}
	rule := row.New(headerRule).WithStyle(&props.Cell{
		BorderType: border.Bottom, BorderColor: b.brand, BorderThickness: 0.6,
	})
	return []core.Row{top, rule, row.New(headerGap)}
}

func (b *builder) footer(r Report) []core.Row {
	return []core.Row{
		row.New(2.5).WithStyle(&props.Cell{BorderType: border.Bottom, BorderColor: colorRule, BorderThickness: 0.2}),
		text.NewRow(8, FooterText(r), props.Text{
			Family: fontFamily, Style: fontstyle.Italic, Size: sizeSmall - 0.5, Color: colorMuted, Top: 1.5,
			VerticalPadding: 0.5,
		}),
	}
}

func (b *builder) title(r Report) {
	b.add(text.NewAutoRow("Interview report", props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: 18, Color: colorText, Bottom: 3,
	}))

	candidate := trunc(oneLine(r.CandidateName), lineCut)
	if candidate == "" {
		candidate = "Name not recorded"
	}
	if email := trunc(oneLine(r.CandidateEmail), 120); email != "" {
		candidate += " · " + email
	}
	details := [][2]string{
		{"Candidate", candidate},
		{"Position", orDash(trunc(oneLine(r.Position), lineCut))},
		{"Interview", orDash(trunc(oneLine(r.InterviewName), lineCut))},
		{"Submitted", fmtTime(r.SubmittedAt)},
		{"Time taken", fmtDuration(r.TimeTaken)},
	}
	for _, d := range details {
		b.add(row.New().Add(
			text.NewCol(3, d[0], props.Text{
				Family: fontFamily, Style: fontstyle.Bold, Size: sizeBody, Color: colorMuted, Top: 0.6, Bottom: 0.6,
			}),
			text.NewCol(9, breakLongWords(d[1], wordFull), props.Text{
				Family: fontFamily, Size: sizeBody, Color: colorText, Top: 0.6, Bottom: 0.6, VerticalPadding: 0.9,
			}),
		))
	}
	b.space(5)
}

func (b *builder) overall(overall *float64) {
	var big, explain string
	bigProps := props.Text{Family: fontFamily, Style: fontstyle.Bold, Size: 26, Color: b.brand, Top: 4, Left: 3}
	if overall != nil {
		big = fmtNum(clamp(*overall, 0, 100)) + " / 100"
		explain = "Overall score. It is the weighted mean of the question scores, computed by hireloop and " +
			"scaled to 0–100. It summarises the assessment below; it is not a decision."
	} else {
		big = "Not scored"
		bigProps.Size = 18
		bigProps.Color = colorMuted
		bigProps.Top = 5.5
		explain = "No overall score. hireloop computes it as the weighted mean of the question scores; " +
			"it is missing until the answers have been scored."
	}
	shade := &props.Cell{BackgroundColor: colorShade}
	b.add(row.New(20).WithStyle(shade).Add(
		text.NewCol(4, big, bigProps),
		text.NewCol(8, explain, props.Text{
			Family: fontFamily, Size: sizeLabel, Color: colorText, Top: 4, Right: 3, VerticalPadding: 0.9,
		}),
	))
	b.space(5)
}

// allFlags lists the report's flags. When the report has none but its
// questions do, it lists those instead, prefixed with the question number:
// the box appears whenever anything is flagged, without repeating the
// report-level summary of the same flags.
func allFlags(r Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Flags {
		f = trunc(oneLine(f), lineCut)
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, q := range r.Questions {
		for _, f := range q.Flags {
			f = trunc(oneLine(f), lineCut)
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			out = append(out, fmt.Sprintf("Question %d: %s", q.Position, f))
		}
	}
	return out
}

func (b *builder) flags(r Report) {
	list := allFlags(r)
	if len(list) == 0 {
		return
	}
	box := &props.Cell{BackgroundColor: colorFlagBg}
	b.keepTogether(28)
	b.add(text.NewAutoRow("Flags for review", props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: 10.5, Color: colorFlagFg, Top: 2.5, Bottom: 1, Left: 3,
	}).WithStyle(box))
	for _, f := range list {
		b.add(row.New().WithStyle(box).Add(
			text.NewCol(1, "•", props.Text{Family: fontFamily, Size: sizeBody, Color: colorFlagFg, Top: 0.5, Align: align.Right}),
			text.NewCol(11, breakLongWords(f, wordFull), props.Text{
				Family: fontFamily, Size: sizeBody, Color: colorText, Top: 0.5, Bottom: 0.5, Left: 2, Right: 3,
				VerticalPadding: 0.9,
			}),
		))
	}
	b.add(text.NewAutoRow(FlagsNotice, props.Text{
		Family: fontFamily, Style: fontstyle.Italic, Size: sizeLabel, Color: colorFlagFg, Top: 1.5, Bottom: 2.5,
		Left: 3, Right: 3,
	}).WithStyle(box))
	b.space(5)
}

func (b *builder) closing(r Report) {
	b.space(2)
	if u := strings.TrimSpace(oneLine(r.ResultsURL)); u != "" {
		u = trunc(u, 500)
		b.keepTogether(20)
		b.add(label("Full results in hireloop"))
		link := props.Text{Family: fontFamily, Size: sizeBody, Color: b.brand, VerticalPadding: 0.9}
		// Only a single-line URL gets a clickable link; maroto links just the
		// first line of a wrapped text.
		if len([]rune(u)) <= 95 {
			link.Hyperlink = &u
		}
		b.add(text.NewAutoRow(breakLongWords(u, 95), link))
	}
	gen := r.GeneratedAt
	if gen.IsZero() {
		gen = time.Now().UTC()
	}
	b.add(text.NewAutoRow("Report generated by hireloop on "+fmtTime(gen)+".", props.Text{
		Family: fontFamily, Size: sizeSmall, Color: colorMuted, Top: 3,
	}))
}

// firstChunk is the first row of text that paragraph would print.
func firstChunk(s string) string {
	if c := chunks(s, chunkRunes, wordFull); len(c) > 0 {
		return c[0]
	}
	return "x"
}

// estimateHeight guesses the height of body text over the full width from
// its length: about 95 characters a line, 4.3 mm a line. It only steers page
// breaks (keepTogether), so being roughly right is enough.
func estimateHeight(s string) float64 {
	lines := (len([]rune(s)) + 94) / 95
	return float64(max(lines, 1)) * 4.3
}

func titleFor(r Report) string {
	if n := trunc(oneLine(r.CandidateName), 120); n != "" {
		return "Interview report: " + n
	}
	return "Interview report"
}

func trunc(s string, n int) string {
	s, _ = truncate(s, n)
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func clamp(f, lo, hi float64) float64 {
	if f < lo {
		return lo
	}
	if f > hi {
		return hi
	}
	return f
}
