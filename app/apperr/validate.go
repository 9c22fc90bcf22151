package apperr

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// The checks below return a message for the person who typed the value,
// or "" when it is fine; collect them with Fields.Add.

// Passwords are at least MinPassword characters: long enough to resist
// guessing, short enough (MaxPassword) to bound the hashing work.
const (
	MinPassword = 10
	MaxPassword = 256
)

// CheckEmail wants a bare address (no display name).
func CheckEmail(s string) string {
	if s == "" {
		return "is required"
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s, "@") || len(s) > 254 {
		return "must be a valid email address"
	}
	return ""
}

// CheckName bounds a free-text name.
func CheckName(s string, required bool, max int) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "is required"
	case len(s) > max:
		return "must be at most " + strconv.Itoa(max) + " characters"
	}
	return ""
}

// CheckOneLine refuses line breaks and other control characters: a name
// with them ends up in email headers and page titles, where it breaks
// things or, worse, adds lines of its own.
func CheckOneLine(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return "must be one line without control characters"
	}
	return ""
}

// CheckPassword enforces the length bounds.
func CheckPassword(pw string) string {
	switch {
	case len(pw) < MinPassword:
		return fmt.Sprintf("must be at least %d characters", MinPassword)
	case len(pw) > MaxPassword:
		return fmt.Sprintf("must be at most %d characters", MaxPassword)
	}
	return ""
}

// CheckHTTPURL accepts an empty value or an absolute http(s) URL.
func CheckHTTPURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:11434/v1"
	}
	return ""
}
