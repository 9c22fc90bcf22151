package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// clean makes arbitrary user text safe for the PDF writer: it repairs invalid
// UTF-8, turns tabs and other whitespace into spaces, drops control
// characters, and replaces characters outside the Basic Multilingual Plane
// (emoji and the like), which gofpdf's UTF-8 font code cannot measure or
// encode, with U+FFFD. Newlines are kept so callers can split paragraphs.
func clean(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune('\n')
		case r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteRune('\n')
		case r == '\t' || unicode.IsSpace(r):
			b.WriteRune(' ')
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u200B':
			// dropped: invisible, and some make the writer misbehave
		case r > 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine cleans s and folds it onto a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// truncate shortens s to at most max runes, cutting at a word boundary when
// one is near, and appends an ellipsis. It reports whether s was cut.
func truncate(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	runes := []rune(s)
	cut := max
	for i := max; i > max-max/10 && i > 0; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), unicode.IsSpace) + "…", true
}

// breakLongWords splits words longer than max runes so that maroto, which only
// wraps at spaces, cannot run a long token (a URL, a hash) past its column.
func breakLongWords(s string, max int) string {
	words := strings.Split(s, " ")
	changed := false
	for i, w := range words {
		if utf8.RuneCountInString(w) <= max {
			continue
		}
		changed = true
		r := []rune(w)
		var parts []string
		for len(r) > max {
			parts = append(parts, string(r[:max]))
			r = r[max:]
		}
		parts = append(parts, string(r))
		words[i] = strings.Join(parts, " ")
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// chunks turns cleaned text into printable pieces: one per paragraph, and long
// paragraphs split at word boundaries into pieces of at most size runes. maroto
// never splits a row across pages, so a single row taller than a page would
// run off it; small pieces let long answers flow onto the next page. An empty
// string marks a paragraph break.
func chunks(s string, size, maxWord int) []string {
	var out []string
	blank := false
	for _, para := range strings.Split(s, "\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" {
			if len(out) > 0 && !blank {
				out = append(out, "")
				blank = true
			}
			continue
		}
		blank = false
		para = breakLongWords(para, maxWord)
		for utf8.RuneCountInString(para) > size {
			cut := cutPoint([]rune(para), size)
			runes := []rune(para)
			out = append(out, strings.TrimSpace(string(runes[:cut])))
			para = strings.TrimSpace(string(runes[cut:]))
		}
		if para != "" {
			out = append(out, para)
		}
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// cutPoint picks where to split a paragraph longer than size runes: after a
// sentence end in the last 40% of the piece if there is one, so the break
// between rows reads like a line break, else at the last space, else at size.
func cutPoint(runes []rune, size int) int {
	for i := size; i > size*6/10; i-- {
		if runes[i] == ' ' && strings.ContainsRune(".!?;:…", runes[i-1]) {
			return i
		}
	}
	for i := size; i > size/2; i-- {
		if runes[i] == ' ' {
			return i
		}
	}
	return size
}

// fmtNum prints a score with at most one decimal: 4, 3.5, 72.3.
func fmtNum(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "?"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// fmtThousands prints n with comma separators: 12,345.
func fmtThousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + fmtThousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fmtDuration prints how long the candidate took: "23 min 5 s", "1 h 02 min".
func fmtDuration(d time.Duration) string {
	if d <= 0 {
		return "Not recorded"
	}
	d = d.Round(time.Second)
	h := int(d / time.Hour)
	m := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %02d min", h, m)
	case m > 0:
		return fmt.Sprintf("%d min %d s", m, s)
	default:
		return fmt.Sprintf("%d s", s)
	}
}

// fmtTime prints a timestamp in its own location, e.g. "2 March 2026, 14:05 UTC".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "Not recorded"
	}
	return t.Format("2 January 2006, 15:04 MST")
}

// humanType turns a question type code into a label: "single_choice" → "Single choice".
func humanType(t string) string {
	t = strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(oneLine(t)))
	if t == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + strings.ToLower(t[n:])
}
