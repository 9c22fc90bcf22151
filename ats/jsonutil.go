package ats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FlexID decodes a vendor id that may be a JSON number (Greenhouse),
// a string (Kombo, Lever) or null, into its decimal/string form. Numbers
// are kept exactly (no float64 round trip), so 64-bit ids survive.
type FlexID string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id %s: %w", b, err)
		}
		*f = FlexID(n.String())
	}
	return nil
}

// String returns the id.
func (f FlexID) String() string { return string(f) }

// FlexTime decodes the timestamp shapes vendors send: RFC 3339 with or
// without fraction, a zone-less "2006-01-02T15:04:05", a bare date, Unix
// milliseconds (Lever) or null/"". A malformed timestamp in one row must
// not fail a page of 500, so unknown strings decode to the zero time.
type FlexTime struct{ time.Time }

var flexLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	f.Time = time.Time{}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] != '"' {
		ms, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return nil
		}
		f.Time = time.UnixMilli(ms).UTC()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	s = strings.TrimSpace(s)
	for _, l := range flexLayouts {
		if t, err := time.Parse(l, s); err == nil {
			f.Time = t.UTC()
			return nil
		}
	}
	return nil
}

// MarshalJSON renders RFC 3339 (null for zero) so fakes can reuse the type.
func (f FlexTime) MarshalJSON() ([]byte, error) {
	if f.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + f.UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

// FlexName extracts a display name from a field that vendors send as a
// string, an object ({"name"}, {"label"}, {"raw"}, {"city","country"}) or null.
func FlexName(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) != nil {
		return ""
	}
	for _, k := range []string{"name", "label", "raw", "title", "value"} {
		if v, ok := o[k]; ok {
			if s := FlexName(v); s != "" {
				return s
			}
		}
	}
	var parts []string
	for _, k := range []string{"city", "state", "country"} {
		if v, ok := o[k]; ok {
			if s := FlexName(v); s != "" {
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// PageSize returns the page size a connector asks for: requested
// (Config.PageSize, small in tests) when positive, else def, and never
// more than the vendor's max.
func PageSize(requested, def, max int) int {
	ps := requested
	if ps <= 0 {
		ps = def
	}
	if ps > max {
		ps = max
	}
	return ps
}

// DecodeRows decodes each row of a page into T and maps it with conv
// (ok=false drops the row). A row that does not decode fails the page with
// ErrMalformedResponse naming the provider and op, so a sync run stops
// with the vendor's fault on record instead of storing half a page.
func DecodeRows[T, U any](provider, op string, rows []json.RawMessage, conv func(T, json.RawMessage) (U, bool)) ([]U, error) {
	out := make([]U, 0, len(rows))
	for _, raw := range rows {
		var w T
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &Error{Provider: provider, Op: op, Message: "invalid JSON in response: " + err.Error(), Err: ErrMalformedResponse}
		}
		if u, ok := conv(w, raw); ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// DecodePages adapts fn, which takes a page of converted rows, to a
// pager's callback for raw rows: each page is decoded with DecodeRows, and
// fn is not called for a page with no rows left.
func DecodePages[T, U any](provider, op string, conv func(T, json.RawMessage) (U, bool), fn func([]U) error) func([]json.RawMessage) error {
	return func(rows []json.RawMessage) error {
		out, err := DecodeRows(provider, op, rows, conv)
		if err != nil || len(out) == 0 {
			return err
		}
		return fn(out)
	}
}
