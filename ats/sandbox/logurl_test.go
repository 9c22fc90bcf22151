package sandbox

import "testing"

// The sandbox logs where it delivers webhooks; the receiver's URL ends in
// its secret token, which must not reach the log.
func TestLogURLHidesTheReceiversToken(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080/webhooks/ats/Zq3secretTOKEN": "http://127.0.0.1:8080/webhooks/ats/:token",
		"https://hire.example.com/webhooks/ats/abc":         "https://hire.example.com/webhooks/ats/:token",
		"http://127.0.0.1:8080":                             "http://127.0.0.1:8080",
	} {
		if got := logURL(in); got != want {
			t.Errorf("logURL(%q) = %q, want %q", in, got, want)
		}
	}
}
