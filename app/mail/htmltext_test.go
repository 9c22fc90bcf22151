package mail

import "testing"

func TestHTMLToText(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"paragraphs and breaks": {"<p>Hello<br>world</p><p>Second</p>", "Hello\nworld\n\nSecond\n"},
		"inline whitespace":     {"<b>Hi</b> <i>there</i>,\n\t  friend", "Hi there, friend\n"},
		"entities":              {"<p>R&amp;D &lt;3 &quot;you&quot;&nbsp;&#8212; ok</p>", "R&D <3 \"you\" \u2014 ok\n"},
		"link with text":        {`<a href="https://x.test/a?b=1&amp;c=2">Open</a>`, "Open (https://x.test/a?b=1&c=2)\n"},
		"link equal to text":    {`<a href="https://x.test/">https://x.test/</a>`, "https://x.test/\n"},
		"mailto":                {`<a href='mailto:sam@acme.test'>sam@acme.test</a>`, "sam@acme.test\n"},
		"javascript link":       {`<a href="javascript:x()">Click</a>`, "Click\n"},
		"lists":                 {"<ul><li>One</li><li> Two </li></ul><p>After</p>", "- One\n- Two\n\nAfter\n"},
		"drops head and style":  {"<html><head><title>T</title><style>p{}</style></head><body><script>x()</script><p>Body</p></body></html>", "Body\n"},
		"comments":              {"<p>a<!-- hidden -->b</p>", "ab\n"},
		"table cells":           {"<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A B\nC\n"},
		"quoted >":              {`<p title="a>b">x</p>`, "x\n"},
		"empty":                 {"", ""},
		"hr":                    {"a<hr>b", "a\n----\nb\n"},
	}
	for name, tc := range cases {
		if got := htmlToText(tc.in); got != tc.want {
			t.Errorf("%s: htmlToText(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}
