package report

// The per-question sections of the report: the overview table, each
// question with its answer, score and evidence, and each criterion.

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// scoreText prints a question's score, with the override when there is one.
func scoreText(q Question) string {
	orig := "Not scored"
	if q.Score != nil {
		orig = fmtNum(*q.Score) + " / 5"
	}
	if q.Overridden == nil {
		return orig
	}
	s := fmtNum(*q.Overridden) + " / 5 (overridden from " + strings.TrimSuffix(orig, " / 5")
	if reason := trunc(oneLine(q.OverrideReason), lineCut); reason != "" {
		s += ": " + reason
	}
	return s + ")"
}

// shortEvidence picks what the overview table shows for a question: the first
// quoted evidence, else the start of the rationale.
func shortEvidence(q Question) string {
	for _, c := range q.Criteria {
		if e := oneLine(c.Evidence); e != "" {
			e, _ = truncate(e, evidenceCut)
			return "“" + e + "”"
		}
	}
	if r := oneLine(q.Rationale); r != "" {
		r, _ = truncate(r, evidenceCut)
		return r
	}
	if strings.TrimSpace(q.Answer) == "" {
		return "Not answered"
	}
	return "—"
}

func (b *builder) overview(qs []Question) {
	if len(qs) == 0 {
		b.add(label("Questions"))
		b.add(text.NewAutoRow("This interview has no questions.", body()))
		b.space(4)
		return
	}
	b.keepTogether(35)
	b.add(text.NewAutoRow("Questions at a glance", props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: 12, Color: colorText, Bottom: 2,
	}))
	hdr := props.Text{Family: fontFamily, Style: fontstyle.Bold, Size: sizeLabel, Color: colorText, Top: 1.5, Left: 1.5}
	b.add(row.New(7).WithStyle(&props.Cell{BackgroundColor: colorShade}).Add(
		text.NewCol(1, "#", hdr),
		text.NewCol(5, "Question", hdr),
		text.NewCol(3, "Score", hdr),
		text.NewCol(3, "Evidence", hdr),
	))
	cell := props.Text{
		Family: fontFamily, Size: sizeLabel, Color: colorText, Top: 1.5, Bottom: 1.5, Left: 1.5, Right: 1.5,
		VerticalPadding: 0.7,
	}
	rule := &props.Cell{BorderType: border.Bottom, BorderColor: colorRule, BorderThickness: 0.2}
	for _, q := range qs {
		prompt, _ := truncate(oneLine(q.Prompt), 220)
		if prompt == "" {
			prompt = "—"
		}
		score := scoreText(q)
		scoreProps := cell
		if q.Overridden != nil {
			scoreProps.Style = fontstyle.Bold
		}
		ev := cell
		ev.Color = colorMuted
		b.add(row.New().WithStyle(rule).Add(
			text.NewCol(1, fmt.Sprint(q.Position), cell),
			text.NewCol(5, breakLongWords(prompt, wordNarrow+10), cell),
			text.NewCol(3, breakLongWords(score, wordNarrow-6), scoreProps),
			text.NewCol(3, breakLongWords(shortEvidence(q), wordNarrow-6), ev),
		))
	}
	b.space(7)
}

func (b *builder) question(q Question) {
	heading := fmt.Sprintf("Question %d", q.Position)
	if t := humanType(q.Type); t != "" {
		heading += " · " + t
	}
	short := scoreText(Question{Score: q.Score})
	if q.Overridden != nil {
		short = fmtNum(*q.Overridden) + " / 5 · overridden"
	}
	prompt, _ := truncate(clean(q.Prompt), promptCut)
	answer := strings.TrimSpace(clean(q.Answer))
	total := len([]rune(answer))
	answer, cut := truncate(answer, MaxAnswerRunes)
	// Keep the heading with the prompt, the answer label and the first piece
	// of the answer.
	b.keepTogether(min(24+estimateHeight(firstChunk(prompt))+estimateHeight(firstChunk(answer)), 90))
	b.add(row.New().WithStyle(&props.Cell{
		BorderType: border.Bottom, BorderColor: b.brand, BorderThickness: 0.4,
	}).Add(
		text.NewCol(8, heading, props.Text{
			Family: fontFamily, Style: fontstyle.Bold, Size: 11.5, Color: colorText, Top: 1, Bottom: 1.5,
		}),
		text.NewCol(4, short, props.Text{
			Family: fontFamily, Style: fontstyle.Bold, Size: sizeBody, Color: b.brand, Top: 1.5, Bottom: 1.5,
			Align: align.Right, VerticalPadding: 0.7,
		}),
	))

	b.paragraphOr(prompt, "No question text.", props.Text{
		Family: fontFamily, Style: fontstyle.Bold, Size: sizeBody, Color: colorText, VerticalPadding: 0.9, Top: 2,
	})

	b.keepTogether(min(7+estimateHeight(firstChunk(answer)), 60))
	b.add(label("Answer"))
	b.paragraphOr(answer, "Not answered.", body())
	if cut {
		b.add(text.NewAutoRow(fmt.Sprintf(
			"Answer shortened for this report: the first %s of %s characters are shown. The full answer is in hireloop.",
			fmtThousands(MaxAnswerRunes), fmtThousands(total)), props.Text{
			Family: fontFamily, Style: fontstyle.Italic, Size: sizeLabel, Color: colorMuted, Top: 1.2,
		}))
	}
	if note := trunc(oneLine(q.MediaNote), lineCut); note != "" {
		b.add(text.NewAutoRow(note, props.Text{
			Family: fontFamily, Style: fontstyle.Italic, Size: sizeLabel, Color: colorMuted, Top: 1.2,
		}))
	}
	if sig := SignalsText(q.Signals); sig != "" {
		b.add(text.NewAutoRow("Integrity signals: "+sig+" "+SignalsNotice+".", props.Text{
			Family: fontFamily, Style: fontstyle.Italic, Size: sizeLabel, Color: colorMuted, Top: 1.2,
		}))
	}

	if q.Overridden != nil {
		b.keepTogether(14)
		b.add(label("Score"))
		b.paragraph(scoreText(q), body())
	}

	if len(q.Criteria) > 0 {
		b.keepTogether(16)
		b.add(label("Criteria"))
		for _, c := range q.Criteria {
			b.criterion(c)
		}
	}

	if rat, _ := truncate(clean(q.Rationale), rationaleCut); strings.TrimSpace(rat) != "" {
		b.keepTogether(14)
		b.add(label("Rationale"))
		b.paragraph(rat, body())
	}

	if len(q.Flags) > 0 {
		b.keepTogether(14)
		b.add(label("Flags"))
		for _, f := range q.Flags {
			if f = trunc(oneLine(f), lineCut); f != "" {
				b.add(text.NewAutoRow("• "+breakLongWords(f, wordFull), props.Text{
					Family: fontFamily, Size: sizeBody, Color: colorFlagFg, VerticalPadding: 0.9, Left: 1,
				}))
			}
		}
	}
	b.space(7)
}

func (b *builder) paragraphOr(s, empty string, p props.Text) {
	if strings.TrimSpace(s) == "" {
		p.Style = fontstyle.Italic
		p.Color = colorMuted
		b.add(text.NewAutoRow(empty, p))
		return
	}
	first := true
	for _, c := range chunks(s, chunkRunes, wordFull) {
		if c == "" {
			b.space(2)
			continue
		}
		pp := p
		if !first {
			pp.Top = 0
		}
		first = false
		b.add(text.NewAutoRow(c, pp))
	}
}

func (b *builder) criterion(c Criterion) {
	status, color := "Not discussed", colorMuted
	if c.Met != nil && *c.Met {
		status, color = "Met", colorMet
	} else if c.Met != nil {
		status, color = "Not met", colorNotMet
	}
	name := trunc(oneLine(c.Name), lineCut)
	if name == "" {
		name = "Unnamed criterion"
	}
	desc := breakLongWords(name, wordFull)
	if ev, _ := truncate(oneLine(c.Evidence), quoteCut); ev != "" {
		desc += "\n“" + ev + "”"
	}
	parts := strings.SplitN(desc, "\n", 2)
	if len(parts) == 2 {
		b.keepTogether(12) // the criterion with its quote
	}
	r := row.New().Add(
		text.NewCol(2, status, props.Text{
			Family: fontFamily, Style: fontstyle.Bold, Size: sizeLabel, Color: color, Top: 1,
		}),
		col.New(10).Add(text.New(parts[0], props.Text{
			Family: fontFamily, Size: sizeBody, Color: colorText, Top: 0.8, VerticalPadding: 0.9,
		})),
	)
	b.add(r)
	if len(parts) == 2 {
		b.add(row.New().Add(
			col.New(2),
			text.NewCol(10, breakLongWords(parts[1], wordFull), props.Text{
				Family: fontFamily, Style: fontstyle.Italic, Size: sizeLabel, Color: colorMuted, Top: 0.6,
				Bottom: 0.8, VerticalPadding: 0.8,
			}),
		))
	}
}
