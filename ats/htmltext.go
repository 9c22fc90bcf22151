package ats

import "github.com/hireloop/hireloop/ats/htmltext"

// HTMLToText renders vendor job-description HTML as readable plain text for
// interview prompts and search (htmltext.Convert: links as their text,
// <hr> as a paragraph break). It is not a sanitizer: never render its input
// as HTML.
func HTMLToText(s string) string { return htmltext.Convert(s) }
