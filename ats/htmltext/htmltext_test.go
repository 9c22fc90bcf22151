package htmltext

import "testing"

// The job-description cases (moved here from ats.TestHTMLToText).
func TestConvert(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"plain":     {"hello  world", "hello world"},
		"paragraph": {"<p>We’re looking for the next big innovator.</p><p>Apply today!</p>", "We’re looking for the next big innovator.\n\nApply today!"},
		"entities":  {"<p>R&amp;D &lt;team&gt; &nbsp;&#39;ok&#39;</p>", "R&D <team> 'ok'"},
		"br":        {"line one<br>line two<br/>line three", "line one\nline two\nline three"},
		"list":      {"<h2>Perks</h2><ul><li>Remote</li><li> Equity </li></ul>", "Perks\n\n- Remote\n- Equity"},
		"script":    {"<p>a</p><script>alert('x')</script><style>p{}</style><p>b</p>", "a\n\nb"},
		"comment":   {"a<!-- hidden -->b", "ab"},
		"inline":    {"<p>Use <strong>Go</strong> and <em>SQL</em>.</p>", "Use Go and SQL."},
		"stray lt":  {"a < b", "a < b"},
		"escaped":   {"\\u003cp\\u003e", "\\u003cp\\u003e"},
		"empty":     {"", ""},
		"table":     {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Convert(tc.in); got != tc.want {
				t.Errorf("Convert(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Convert keeps a description's links and rules as they read, and handles
// the markup the email converter it replaced did.
func TestConvertWithout(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"link text only":      {`See <a href="https://x.test/">our site</a>.`, "See our site."},
		"hr as paragraph":     {"a<hr>b", "a\n\nb"},
		"div lines":           {"<div>A</div><div><br></div><div>B</div>", "A\n\nB"},
		"quoted >":            {`<p title="a>b">x</p>`, "x"},
		"script with <":       {"<p>a</p><script>if (a<b) {}</script><p>b</p>", "a\n\nb"},
		"self-closing script": {"a<script/>b", "ab"},
		"unclosed style":      {"a<style>p{}", "a"},
		"head and title":      {"<html><head><title>T</title></head><body>Body</body></html>", "Body"},
		"uppercase tags":      {"<P>A</P><SCRIPT>x</SCRIPT><P>B</P>", "A\n\nB"},
		"definition list":     {"<dl><dt>Term</dt><dd>Meaning</dd></dl>", "Term\nMeaning"},
		"after a list":        {"<ul><li>One</li></ul>After", "- One\n\nAfter"},
	}
	for name, tc := range cases {
		if got := Convert(tc.in); got != tc.want {
			t.Errorf("%s: Convert(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

func TestConvertWithLinksAndRules(t *testing.T) {
	o := Options{Links: true, Rules: true}
	cases := map[string]struct{ in, want string }{
		"link":             {`See <a href="https://x.test/a?b=1&amp;c=2">our site</a>.`, "See our site (https://x.test/a?b=1&c=2)."},
		"link is the text": {`<a href="https://x.test/">https://x.test/</a>`, "https://x.test/"},
		"mailto":           {`<a href='mailto:sam@acme.test'>sam@acme.test</a>`, "sam@acme.test"},
		"not linkable":     {`<a href="javascript:x()">Click</a>`, "Click"},
		"empty text":       {`Go <a href="https://x.test/"></a>`, "Go (https://x.test/)"},
		"nested in list":   {`<ul><li><a href="https://x.test/">One</a></li></ul>`, "- One (https://x.test/)"},
		"unopened close":   {"a</a>b", "ab"},
		"rule":             {"a<hr>b", "a\n----\nb"},
		"rule at start":    {"<hr>b", "----\nb"},
	}
	for name, tc := range cases {
		if got := ConvertWith(tc.in, o); got != tc.want {
			t.Errorf("%s: ConvertWith(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

func TestLinkable(t *testing.T) {
	for href, want := range map[string]bool{
		"https://x.test": true, "HTTP://x.test": true, "mailto:a@b.test": true,
		"javascript:x()": false, "/relative": false, "": false,
	} {
		if got := Linkable(href); got != want {
			t.Errorf("Linkable(%q) = %v, want %v", href, got, want)
		}
	}
}
