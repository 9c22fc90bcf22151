package mail

import (
	"html"
	"regexp"
	"strings"
)

// htmlToText derives a readable plain-text part from an email's HTML: block
// elements become line breaks, list items "- " lines, links "text (url)";
// <head>, <style> and <script> are dropped and entities decoded. It is meant
// for the simple markup of email bodies, not arbitrary web pages.
func htmlToText(s string) string {
	var w textWriter
	type link struct {
		href  string
		start int
	}
	var links []link
	skip := "" // inside <style>/<script>/<head>/<title> until this closing tag
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			lt = len(s)
		}
		if skip == "" {
			w.text(html.UnescapeString(s[:lt]))
		}
		s = s[lt:]
		if s == "" {
			break
		}
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s, "-->")
			if end < 0 {
				break
			}
			s = s[end+3:]
			continue
		}
		end := tagEnd(s)
		if end < 0 {
			if skip == "" {
				w.text(html.UnescapeString(s))
			}
			break
		}
		tag := s[1:end]
		s = s[end+1:]
		closing := strings.HasPrefix(tag, "/")
		name := tagName(strings.TrimPrefix(tag, "/"))
		if skip != "" {
			if closing && name == skip {
				skip = ""
			}
			continue
		}
		switch name {
		case "style", "script", "head", "title":
			if !closing && !strings.HasSuffix(tag, "/") {
				skip = name
			}
		case "br":
			w.newline(1)
		case "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote":
			w.newline(2)
		case "div", "tr", "section", "header", "footer", "article":
			w.newline(1)
		case "li":
			if !closing {
				w.newline(1)
				w.raw("- ")
			}
		case "td", "th":
			if closing {
				w.space()
			}
		case "hr":
			w.newline(1)
			w.raw("----")
			w.newline(1)
		case "a":
			if !closing {
				links = append(links, link{href: attr(tag, "href"), start: w.b.Len()})
			} else if n := len(links); n > 0 {
				l := links[n-1]
				links = links[:n-1]
				label := strings.TrimSpace(w.b.String()[l.start:])
				href := strings.TrimSpace(l.href)
				if linkable(href) && label != href && label != strings.TrimPrefix(href, "mailto:") {
					if label != "" {
						w.space()
					}
					w.raw("(" + href + ")")
				}
			}
		}
	}
	return w.String()
}

// tagEnd returns the index of the '>' closing the tag that starts s, skipping
// quoted attribute values, or -1.
func tagEnd(s string) int {
	var quote byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

func tagName(tag string) string {
	i := strings.IndexAny(tag, " \t\r\n/>")
	if i < 0 {
		i = len(tag)
	}
	return strings.ToLower(tag[:i])
}

var attrRe = regexp.MustCompile(`(?is)\s([a-z_:][-a-z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)`)

func attr(tag, name string) string {
	for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
		if strings.EqualFold(m[1], name) {
			return html.UnescapeString(strings.Trim(m[2], `"'`))
		}
	}
	return ""
}

func linkable(href string) bool {
	h := strings.ToLower(href)
	return strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "mailto:")
}

// textWriter collapses whitespace the way a browser would and keeps at most
// one blank line between blocks.
type textWriter struct {
	b        strings.Builder
	newlines int  // trailing newlines written
	spaced   bool // a space is pending before the next word
}

func (w *textWriter) text(s string) {
	if startsWithSpace(s) {
		w.space()
	}
	for i, f := range strings.Fields(s) {
		if i > 0 {
			w.space()
		}
		w.raw(f)
	}
	if endsWithSpace(s) {
		w.space()
	}
}

func (w *textWriter) raw(s string) {
	if s == "" {
		return
	}
	if w.spaced && w.b.Len() > 0 && w.newlines == 0 && !strings.HasSuffix(w.b.String(), " ") {
		w.b.WriteByte(' ')
	}
	w.spaced = false
	w.b.WriteString(s)
	w.newlines = 0
}

func (w *textWriter) space() { w.spaced = true }

func (w *textWriter) newline(n int) {
	w.spaced = false
	if w.b.Len() == 0 {
		return
	}
	for w.newlines < n {
		w.b.WriteByte('\n')
		w.newlines++
	}
}

func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	out := strings.TrimSpace(strings.Join(lines, "\n"))
	if out == "" {
		return ""
	}
	return out + "\n"
}

func startsWithSpace(s string) bool { return s != "" && strings.ContainsRune(" \t\r\n", rune(s[0])) }
func endsWithSpace(s string) bool {
	return s != "" && strings.ContainsRune(" \t\r\n", rune(s[len(s)-1]))
}
