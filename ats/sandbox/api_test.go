package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// token gets a Harvest v3 access token for the service user.
func token(t *testing.T, s *Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "sub": {s.ActingUserID()}}
	req, _ := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	req.SetBasicAuth(s.ClientID(), s.APIKey())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		ExpiresAt   string `json:"expires_at"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.AccessToken == "" || v.ExpiresIn != 3600 || v.ExpiresAt == "" {
		t.Fatalf("token: %d %+v %v", resp.StatusCode, v, err)
	}
	return v.AccessToken
}

// api sends one request to the sandbox's v3 API with a bearer token ("" for
// none) and returns the answer.
func api(t *testing.T, s *Server, method, path, tok, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, s.BaseURL()+path, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// apiGet reads path (a fresh token each time) into v and returns the status.
func apiGet(t *testing.T, s *Server, path string, v any) int {
	t.Helper()
	resp, b := api(t, s, http.MethodGet, path, token(t, s), "")
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}
	return resp.StatusCode
}

func TestHarvestV3Protocol(t *testing.T) {
	s := start(t, Options{})
	tok := token(t, s)
	get := func(path string) (*http.Response, []byte) { return api(t, s, http.MethodGet, path, tok, "") }
	// Tokens: client credentials only, for existing users only.
	form := url.Values{"grant_type": {"client_credentials"}, "sub": {s.ActingUserID()}}
	req, _ := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	req.SetBasicAuth(s.ClientID(), "wrong")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("token with a wrong secret = %d", resp.StatusCode)
	}
	if resp, body := api(t, s, http.MethodGet, "/candidates", "not-a-token", ""); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(string(body), "Access token") {
		t.Fatalf("wrong token: %d %s", resp.StatusCode, body)
	}
	// Cursor paging: filters and per_page on the first request only.
	resp, body := get("/candidates?per_page=2")
	var rows []map[string]any
	if err := json.Unmarshal(body, &rows); err != nil || len(rows) != 2 || rows[0]["email_addresses"] == nil {
		t.Fatalf("first page: %s", body)
	}
	next := regexp.MustCompile(`<([^>]+)>; rel="next"`).FindStringSubmatch(resp.Header.Get("Link"))
	if next == nil || strings.Contains(resp.Header.Get("Link"), "rel=\"last\"") {
		t.Fatalf("Link = %s", resp.Header.Get("Link"))
	}
	u, _ := url.Parse(next[1])
	if q := u.Query(); len(q) != 1 || q.Get("cursor") == "" {
		t.Fatalf("next link %s: the cursor must be the only parameter", next[1])
	}
	// Two requests so far: the refused token's counted too.
	if resp.Header.Get("X-RateLimit-Limit") != "50" || resp.Header.Get("X-RateLimit-Remaining") != "48" {
		t.Fatalf("rate headers %q %q", resp.Header.Get("X-RateLimit-Limit"), resp.Header.Get("X-RateLimit-Remaining"))
	}
	if resp, _ = get(strings.TrimPrefix(u.Path, "/v3") + "?" + u.RawQuery); resp.StatusCode != http.StatusOK {
		t.Fatalf("next page = %d", resp.StatusCode)
	}
	if resp, _ = get(strings.TrimPrefix(u.Path, "/v3") + "?" + u.RawQuery + "&per_page=2"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("cursor with another parameter = %d, want 400", resp.StatusCode)
	}
	if resp, body = get("/candidates?per_page=501"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"per_page"`) {
		t.Fatalf("per_page=501: %d %s", resp.StatusCode, body)
	}
	if resp, _ = get("/applications?updated_at=yesterday"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad timestamp: %d", resp.StatusCode)
	}
	if resp, _ = get("/nope"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path: %d", resp.StatusCode)
	}
	// created_at on candidates, job_ids on applications; v3 field names.
	s.mu.Lock()
	mid := s.st.Candidates[150].CreatedAt
	var wantNewer int
	for _, c := range s.st.Candidates {
		if !c.CreatedAt.Before(mid) {
			wantNewer++
		}
	}
	s.mu.Unlock()
	_, body = get("/candidates?per_page=500&created_at=gte|" + url.QueryEscape(mid.Format(time.RFC3339Nano)))
	_ = json.Unmarshal(body, &rows)
	if len(rows) != wantNewer {
		t.Fatalf("created_at=gte returned %d, want %d", len(rows), wantNewer)
	}
	_, body = get("/applications?per_page=500&job_ids=" + strconv.Itoa(firstJobID+5))
	_ = json.Unmarshal(body, &rows)
	if len(rows) != 40 || rows[0]["created_at"] == nil || rows[0]["applied_at"] != nil || rows[0]["job_interview_stage_id"] == nil ||
		rows[0]["stage_id"] == rows[0]["job_interview_stage_id"] {
		t.Fatalf("job_ids filter returned %d applications: %v", len(rows), rows[0])
	}
	_, body = get("/jobs")
	_ = json.Unmarshal(body, &rows)
	if rows[0]["department_id"] == nil || rows[0]["office_ids"] == nil || rows[0]["departments"] != nil {
		t.Fatalf("job %v", rows[0])
	}
	_, body = get("/users")
	_ = json.Unmarshal(body, &rows)
	if rows[0]["primary_email"] == nil || rows[0]["primary_email_address"] != nil {
		t.Fatalf("user %v", rows[0])
	}
	// Writes need a token and every required field (harvestv3, as the
	// connector's fake).
	if resp, _ := api(t, s, http.MethodPost, "/candidate_tags", "", `{"name":"x"}`); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("write without a token = %d", resp.StatusCode)
	}
	app, next2 := activeApp(t, s)
	for _, tc := range []struct{ path, body, field string }{
		{"/notes", `{"candidate_id":` + itoa(app.CandidateID) + `,"body":"b","visibility":"public"}`, "note_type"},
		{"/notes", `{"candidate_id":` + itoa(app.CandidateID) + `,"body":"b","note_type":"NOTE"}`, "visibility"},
		{"/applications/" + itoa(app.ID) + "/move", `{"to_stage_id":` + itoa(next2) + `}`, "from_stage_id"},
		{"/applications/" + itoa(app.ID) + "/move", `{"from_stage_id":` + itoa(next2) + `,"to_stage_id":` + itoa(next2) + `}`, "from_stage_id"},
		{"/applications/" + itoa(app.ID) + "/reject", `{}`, "rejection_reason_id"},
		{"/attachments", `{"application_id":` + itoa(app.ID) + `,"filename":"r.pdf","type":"other","content":"JVBERg=="}`, "content_type"},
		{"/applied_candidate_tags", `{"candidate_id":` + itoa(app.CandidateID) + `}`, "candidate_tag_id"},
	} {
		resp, body := api(t, s, http.MethodPost, tc.path, tok, tc.body)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"`+tc.field+`"`) {
			t.Errorf("POST %s %s = %d %s, want 422 naming %s", tc.path, tc.body, resp.StatusCode, body, tc.field)
		}
	}
	if resp, body := api(t, s, http.MethodPost, "/applications/"+itoa(app.ID)+"/move",
		tok, `{"from_stage_id":`+itoa(app.StageID)+`,"to_stage_id":`+itoa(next2)+`}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("complete move = %d %s", resp.StatusCode, body)
	}

	// The rolling window answers 429 with the documented headers once spent.
	s.limiter.mu.Lock()
	s.limiter.limit, s.limiter.hits = 3, nil
	s.limiter.mu.Unlock()
	for i := 0; i < 3; i++ {
		if resp, _ := get("/users"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d = %d", i, resp.StatusCode)
		}
	}
	resp, body = get("/users")
	ra, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if resp.StatusCode != http.StatusTooManyRequests || ra < 1 || ra > 11 || reset < time.Now().Unix() || !strings.Contains(string(body), "Too Many Requests") {
		t.Fatalf("over the limit: %d Retry-After %q Reset %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-RateLimit-Reset"), body)
	}
}
