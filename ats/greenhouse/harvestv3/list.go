package harvestv3

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxIDs is the most ids an id filter takes (API reference: ids,
// candidate_ids, application_ids ... "length ≤ 50").
const MaxIDs = 50

// cursorState is what a cursor encodes: the first request's query and
// the next offset. Real cursors are opaque; clients must not care.
type cursorState struct {
	Q string `json:"q"`
	O int    `json:"o"`
}

// Query is a list request's effective query: the first request's, also
// when it arrives as a cursor. Filter methods record the first invalid
// parameter; Failed writes it.
type Query struct {
	url.Values
	Offset int
	bad    *Invalid
}

// ParseList reads a list request. A cursor must be the only query
// parameter (docs/pagination): anything beside it is answered 400, as
// the guide says such requests fail.
func ParseList(w http.ResponseWriter, r *http.Request) (*Query, bool) {
	q := r.URL.Query()
	if _, ok := q["cursor"]; !ok {
		return &Query{Values: q}, true
	}
	if len(q) != 1 || len(q["cursor"]) != 1 {
		WriteError(w, http.StatusBadRequest, "cursor must be the only query parameter; put filters and per_page on the first request only")
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(q.Get("cursor"))
	var st cursorState
	if err != nil || json.Unmarshal(raw, &st) != nil || st.O < 0 {
		WriteError(w, http.StatusBadRequest, "invalid cursor")
		return nil, false
	}
	first, err := url.ParseQuery(st.Q)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "invalid cursor")
		return nil, false
	}
	return &Query{Values: first, Offset: st.O}, true
}

func (q *Query) fail(key, msg string) {
	if q.bad == nil {
		q.bad = Refuse(key, msg)
	}
}

// Failed writes the first invalid parameter's 422 and reports whether
// there was one.
func (q *Query) Failed(w http.ResponseWriter) bool {
	if q.bad == nil {
		return false
	}
	q.bad.Write(w)
	return true
}

// Time parses an "op|ISO-8601" filter (docs/list-endpoints: gte, gt,
// lte, lt); an absent filter accepts everything.
func (q *Query) Time(key string) func(time.Time) bool {
	all := func(time.Time) bool { return true }
	v := q.Get(key)
	if v == "" {
		return all
	}
	op, ts, ok := strings.Cut(v, "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		q.fail(key, "must be operator|ISO-8601 timestamp, e.g. gte|2024-01-01T00:00:00Z")
		return all
	}
	switch op {
	case "gte":
		return func(x time.Time) bool { return !x.Before(t) }
	case "gt":
		return func(x time.Time) bool { return x.After(t) }
	case "lte":
		return func(x time.Time) bool { return !x.After(t) }
	case "lt":
		return func(x time.Time) bool { return x.Before(t) }
	}
	q.fail(key, "operator must be one of gte, gt, lte, lt")
	return all
}

// IDs parses a comma-separated id filter (at most MaxIDs); nil means no
// filter.
func (q *Query) IDs(key string) map[int64]bool {
	v := q.Get(key)
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	if len(parts) > MaxIDs {
		q.fail(key, "at most 50 ids")
		return nil
	}
	out := map[int64]bool{}
	for _, p := range parts {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil {
			q.fail(key, "must be a comma-separated list of integers")
			return nil
		}
		out[n] = true
	}
	return out
}

// In reports whether n passes an id filter (nil passes everything).
func In(set map[int64]bool, n int64) bool { return set == nil || set[n] }

// PerPage is the page size: per_page 1-500, default 100.
func (q *Query) PerPage() int {
	v := q.Get("per_page")
	if v == "" {
		return 100
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		q.fail("per_page", "must be an integer between 1 and 500")
		return 100
	}
	return n
}

// Page writes rows[q.Offset:][:per_page], each rendered with conv, and a
// Link rel="next" whose cursor is its only parameter (v3 "currently
// returns only a next link"). write renders the JSON (a fake adds
// unknown fields with it).
func Page[T, U any](w http.ResponseWriter, r *http.Request, q *Query, rows []T, conv func(T) U, write func(http.ResponseWriter, int, any)) {
	per := q.PerPage()
	if q.Failed(w) {
		return
	}
	start := min(q.Offset, len(rows))
	end := min(start+per, len(rows))
	if end < len(rows) {
		b, _ := json.Marshal(cursorState{Q: q.Encode(), O: end})
		w.Header().Set("Link", "<http://"+r.Host+r.URL.Path+"?cursor="+base64.RawURLEncoding.EncodeToString(b)+`>; rel="next"`)
	}
	out := make([]U, 0, end-start)
	for _, x := range rows[start:end] {
		out = append(out, conv(x))
	}
	write(w, http.StatusOK, out)
}

// Same is the identity conversion for Page.
func Same[T any](x T) T { return x }
