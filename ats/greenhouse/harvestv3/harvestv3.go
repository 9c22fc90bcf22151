// Package harvestv3 is the server side of Greenhouse Harvest v3 as
// Greenhouse documents it, shared by the connector's test fake
// (ats/greenhouse/fake) and the demo Sandbox ATS (ats/sandbox): the OAuth
// token endpoint, Bearer checks, cursor paging, list filters, the v3 wire
// shapes and the validation of every write hireloop makes. Both servers
// hold their own data; this package makes them refuse what Greenhouse
// refuses, with the same status and body, so a connector bug shows up in
// the unit tests and in the demo alike.
//
// Sources, as in the connector's package doc (ats/greenhouse):
//   - confirmed: harvestdocs.greenhouse.io docs/authentication (token
//     endpoint, Basic client_id:secret, grant_type=client_credentials,
//     sub), docs/pagination ("When you pass a cursor, it must be the only
//     query parameter"; per_page 1-500, default 100; rel="next" only),
//     docs/list-endpoints (updated_at=gte|<ts>, gte/gt/lte/lt), the
//     reference for GET /v3/applications (ids filters take at most 50) and
//     POST /v3/applications/{id}/reject (rejection_reason_id required,
//     204); grnhse/greenhouse-api-docs source/swagger.md (the published
//     v3 OpenAPI draft, 2023-01, commit cb73210) for POST
//     /v3/applications/{id}/move: from_stage_id and to_stage_id both
//     required; the v1 introduction for the rate-limit headers
//     (X-RateLimit-Limit and -Remaining on every answer; a 429 carries
//     X-RateLimit-Reset, a timestamp, and Retry-After, seconds) and the
//     422 body {"message","errors":[{"message","field"}]}.
//   - inferred (reports of live v3 calls, not Greenhouse's pages):
//     POST /v3/notes needs note_type ("NOTE", upper case, although the
//     error lists email/activity/note) and visibility
//     (Comradery64/open-greenhouse-mcp docs/harvest-v3-migration.md,
//     2026-09, and a second client sending the same body); POST
//     /v3/applied_candidate_tags takes candidate_id and candidate_tag_id;
//     the application carries job_interview_stage_id beside an ambiguous
//     stage_id; created_at replaces applied_at, department_id and
//     office_ids replace departments[] and offices[], primary_email
//     replaces primary_email_address (same migration notes); the token
//     answer carries expires_at (clients that parse only it:
//     conductorone/baton-greenhouse) as well as, or instead of,
//     expires_in; the answer to a from_stage_id that is not the current
//     stage is a 422 naming from_stage_id (undocumented; v1 documents
//     from_stage_id as "the ID of the job stage this application is
//     currently in").
package harvestv3

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Invalid is a refusal rendered as Greenhouse renders validation errors:
// 422 {"message":"Validation error","errors":[{"message","field"}]}.
type Invalid struct {
	Field, Message string
}

func (e *Invalid) Error() string { return e.Field + ": " + e.Message }

// Write renders the refusal.
func (e *Invalid) Write(w http.ResponseWriter) { WriteInvalid(w, e.Field, e.Message) }

// Refuse returns an *Invalid for field.
func Refuse(field, msg string) *Invalid { return &Invalid{Field: field, Message: msg} }

// WriteJSON writes v as an application/json response.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError writes Greenhouse's plain error body {"message": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"message": msg})
}

// WriteInvalid writes a 422 validation error naming field.
func WriteInvalid(w http.ResponseWriter, field, msg string) {
	WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
		"errors": []map[string]string{{"message": msg, "field": field}}})
}

// WriteNotFound is the answer for an unknown route or record.
func WriteNotFound(w http.ResponseWriter) { WriteError(w, http.StatusNotFound, "Resource not found") }

// RateHeaders sets the headers every answer carries (v1 introduction,
// "Rate limiting"; assumed unchanged in v3).
func RateHeaders(h http.Header, limit, remaining int) {
	if limit <= 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, remaining)))
}

// Throttle answers 429 the documented way: X-RateLimit-Reset is the Unix
// time (seconds, rounded up) when requests are counted again and
// Retry-After the whole seconds until then (at least 1). It returns the
// instant the headers name, which a client honouring them waits for.
func Throttle(w http.ResponseWriter, limit int, at time.Time) time.Time {
	reset := int64(math.Ceil(float64(at.UnixNano()) / 1e9))
	secs := max(1, int64(math.Ceil(time.Until(time.Unix(reset, 0)).Seconds())))
	if limit > 0 {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	}
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	WriteError(w, http.StatusTooManyRequests, "Too Many Requests")
	return time.Unix(reset, 0)
}
