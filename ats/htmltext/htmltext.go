// Package htmltext renders simple HTML as readable plain text: vendor job
// descriptions (for interview prompts and search) and the plain-text part
// of emails. It is deliberately small (no DOM, no golang.org/x/net
// dependency) and is not a sanitizer: never render its input as HTML.
package htmltext

import (
	"html"
	"regexp"
	"strings"
)

// Options add what an email's plain-text part wants on top of Convert.
type Options struct {
	// Links follows a link's text with its address, "text (url)", when the
	// address is http(s) or mailto (see Linkable) and is not the text itself.
	Links bool
	// Rules renders <hr> as a "----" line instead of a paragraph break.
	Rules bool
}

// Convert renders HTML as plain text: block elements become line breaks,
// list items "- " lines, <script>, <style>, <head> and <title> content is
// dropped, entities are decoded and runs of whitespace collapse. The result
// has no leading or trailing whitespace.
func Convert(s string) string { return ConvertWith(s, Options{}) }

// ConvertWith is Convert with the extras o turns on.
func ConvertWith(s string, o Options) string {
	w := writer{opts: o}
	w.out.Grow(len(s))
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			w.text(s[i:])
			break
		}
		w.text(s[i : i+lt])
		i += lt
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		gt := tagEnd(s[i:])
		if gt < 0 { // stray '<': treat as text
			w.text(s[i:])
			break
		}
		tag := s[i+1 : i+gt]
		i += gt + 1
		closing := strings.HasPrefix(tag, "/")
		name := tagName(strings.TrimLeft(tag, "/"))
		if skipped[name] && !closing && !strings.HasSuffix(tag, "/") {
			// Drop the content up to the closing tag, which the next
			// round reads as an ordinary (ignored) tag.
			end := strings.Index(strings.ToLower(s[i:]), "</"+name)
			if end < 0 {
				break
			}
			i += end
			continue
		}
		w.tag(name, tag, closing)
	}
	return strings.TrimSpace(w.out.String())
}

// skipped are the elements whose content is not text.
var skipped = map[string]bool{"script": true, "style": true, "head": true, "title": true}

// Linkable reports whether href is an address worth showing in plain text:
// http, https or mailto.
func Linkable(href string) bool {
	h := strings.ToLower(href)
	return strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "mailto:")
}

// writer collapses whitespace and owes line breaks until the next text, so
// that blocks are separated by at most one blank line and nothing leads or
// trails.
type writer struct {
	opts      Options
	out       strings.Builder
	pendingNL int  // newlines owed before the next text
	wroteText bool // anything written yet
	space     bool // a space is owed before the next text
	last      rune // last rune written
	links     []link
}

type link struct {
	href  string
	start int // where the link's text starts in out
}

func (w *writer) newline(n int) {
	if n > w.pendingNL {
		w.pendingNL = n
	}
	w.space = false
}

// text writes character data: entities decoded, whitespace collapsed.
func (w *writer) text(t string) {
	for _, r := range html.UnescapeString(t) {
		if r == '\u00a0' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			w.space = true
			continue
		}
		w.separate()
		w.out.WriteRune(r)
		w.last = r
	}
}

// raw writes s as it is, after what is owed.
func (w *writer) raw(s string) {
	w.separate()
	w.out.WriteString(s)
	w.last = rune(s[len(s)-1])
}

// separate writes the newlines or space owed before more text.
func (w *writer) separate() {
	if w.wroteText && w.pendingNL > 0 {
		w.out.WriteString(strings.Repeat("\n", w.pendingNL))
	} else if w.wroteText && w.space && w.last != ' ' {
		w.out.WriteByte(' ')
	}
	w.pendingNL = 0
	w.space = false
	w.wroteText = true
}

func (w *writer) tag(name, tag string, closing bool) {
	switch name {
	case "br":
		w.newline(1)
	case "hr":
		if w.opts.Rules {
			w.newline(1)
			w.raw("----")
			w.newline(1)
		} else {
			w.newline(2)
		}
	case "p", "div", "section", "article", "header", "footer", "blockquote", "pre",
		"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table":
		w.newline(2)
	case "li":
		w.newline(1)
		if !closing {
			w.raw("- ")
		}
	case "tr", "dt", "dd":
		w.newline(1)
	case "td", "th":
		if !closing {
			w.space = true
		}
	case "a":
		if w.opts.Links {
			w.link(tag, closing)
		}
	}
}

// link remembers where a link's text starts and, at its end, follows the
// text with the address.
func (w *writer) link(tag string, closing bool) {
	if !closing {
		w.links = append(w.links, link{href: attr(tag, "href"), start: w.out.Len()})
		return
	}
	n := len(w.links)
	if n == 0 {
		return
	}
	l := w.links[n-1]
	w.links = w.links[:n-1]
	label := strings.TrimSpace(w.out.String()[l.start:])
	href := strings.TrimSpace(l.href)
	if Linkable(href) && label != href && label != strings.TrimPrefix(href, "mailto:") {
		if label != "" {
			w.space = true
		}
		w.raw("(" + href + ")")
	}
}

// tagEnd returns the index of the '>' closing the tag that starts s,
// skipping quoted attribute values, or -1.
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
	if i := strings.IndexAny(tag, " \t\r\n/"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
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
