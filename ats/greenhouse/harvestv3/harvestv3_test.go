package harvestv3

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A 429 carries what the v1 introduction documents: X-RateLimit-Reset as
// a Unix timestamp and Retry-After as seconds, both at or after the
// instant the server counts again.
func TestThrottleHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	at := time.Now().Add(1500 * time.Millisecond)
	got := Throttle(w, 50, at)
	reset, _ := strconv.ParseInt(w.Header().Get("X-RateLimit-Reset"), 10, 64)
	secs, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	if w.Code != http.StatusTooManyRequests || reset != got.Unix() || got.Before(at) || secs < 1 || secs > 3 ||
		w.Header().Get("X-RateLimit-Limit") != "50" || w.Header().Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429: %d %v, returned %v for %v", w.Code, w.Header(), got, at)
	}
}

func TestTokenAnswerFields(t *testing.T) {
	tk := NewTokens("id", "secret", func(sub int64) bool { return sub == 7 })
	issue := func() map[string]any {
		form := url.Values{"grant_type": {"client_credentials"}, "sub": {"7"}}
		r := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth("id", "secret")
		w := httptest.NewRecorder()
		tk.Serve(w, r)
		var out map[string]any
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &out) != nil {
			t.Fatalf("token: %d %s", w.Code, w.Body)
		}
		return out
	}
	if out := issue(); out["expires_in"] != float64(3600) || out["expires_at"] == nil || out["token_type"] != "Bearer" {
		t.Fatalf("default answer %v", out)
	}
	tk.SetExpiryFields(ExpiresAtOnly)
	if out := issue(); out["expires_in"] != nil || out["expires_at"] == nil {
		t.Fatalf("expires_at only: %v", out)
	}
	tk.SetExpiryFields(ExpiresInOnly)
	out := issue()
	if out["expires_at"] != nil {
		t.Fatalf("expires_in only: %v", out)
	}
	r := httptest.NewRequest(http.MethodGet, "/v3/jobs", nil)
	r.Header.Set("Authorization", "Bearer "+out["access_token"].(string))
	if sub, ok := tk.Bearer(r); !ok || sub != 7 {
		t.Fatalf("bearer = %d %v", sub, ok)
	}
}

func TestParseNoteAcceptsTheDocumentedBody(t *testing.T) {
	in, bad := ParseNote(Body{"candidate_id": json.RawMessage(`12`), "body": json.RawMessage(`"hi"`),
		"note_type": json.RawMessage(`"NOTE"`), "visibility": json.RawMessage(`"private"`)})
	if bad != nil || in.CandidateID != 12 || in.Visibility != "private" {
		t.Fatalf("%+v %v", in, bad)
	}
}
