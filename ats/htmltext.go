package ats

import (
	"html"
	"strings"
)

// HTMLToText renders vendor job-description HTML as readable plain text for
// interview prompts and search. It is deliberately small (no DOM, no
// golang.org/x/net dependency): block elements become line breaks, list
// items get "- ", <script>/<style> content is dropped, entities are decoded
// and runs of whitespace collapse. It is not a sanitizer: never render its
// input as HTML.
func HTMLToText(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	pendingNL := 0 // newlines owed before the next text
	wroteText := false
	space := false
	var last rune // last rune written

	emitNL := func(n int) {
		if n > pendingNL {
			pendingNL = n
		}
		space = false
	}
	emitText := func(t string) {
		t = html.UnescapeString(t)
		for _, r := range t {
			if r == '\u00a0' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
				space = true
				continue
			}
			if wroteText && pendingNL > 0 {
				out.WriteString(strings.Repeat("\n", pendingNL))
			} else if wroteText && space && last != ' ' {
				out.WriteByte(' ')
			}
			pendingNL = 0
			space = false
			out.WriteRune(r)
			last = r
			wroteText = true
		}
	}

	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			emitText(s[i:])
			break
		}
		emitText(s[i : i+lt])
		i += lt
		// Comments.
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 { // stray '<': treat as text
			emitText(s[i:])
			break
		}
		tag := s[i+1 : i+gt]
		i += gt + 1
		closing := strings.HasPrefix(tag, "/")
		name := strings.ToLower(strings.TrimLeft(tag, "/"))
		if j := strings.IndexAny(name, " \t\n\r/"); j >= 0 {
			name = name[:j]
		}
		switch name {
		case "script", "style", "head", "title":
			if !closing {
				end := strings.Index(strings.ToLower(s[i:]), "</"+name)
				if end < 0 {
					i = len(s)
				} else {
					i += end
				}
			}
		case "br":
			emitNL(1)
		case "p", "div", "section", "article", "header", "footer", "blockquote", "pre",
			"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "hr":
			emitNL(2)
		case "li":
			if !closing {
				emitNL(1)
				emitText("-")
				out.WriteByte(' ')
				last = ' '
			} else {
				emitNL(1)
			}
		case "tr", "dt", "dd":
			emitNL(1)
		case "td", "th":
			if !closing {
				space = true
			}
		}
	}
	return strings.TrimSpace(out.String())
}
