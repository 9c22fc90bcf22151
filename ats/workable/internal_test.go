package workable

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Unix(1782975350, 0)
	for name, tc := range map[string]struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		"reset timestamp":   {http.Header{"X-Rate-Limit-Reset": {"1782975360"}}, 10 * time.Second, true},
		"reset passed":      {http.Header{"X-Rate-Limit-Reset": {"1782975340"}}, time.Second, true},
		"reset in seconds":  {http.Header{"X-Rate-Limit-Reset": {"7"}}, 7 * time.Second, true},
		"retry-after first": {http.Header{"Retry-After": {"3"}, "X-Rate-Limit-Reset": {"1782975360"}}, 3 * time.Second, true},
		"nothing":           {http.Header{}, 0, false},
	} {
		got, ok := retryAfter(tc.h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v, want %v %v", name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestStageIDs(t *testing.T) {
	if StageID("9CD658E13E", "phone-screen") != "9CD658E13E/phone-screen" || stageSlug("9CD658E13E/phone-screen") != "phone-screen" ||
		stageSlug("interview") != "interview" {
		t.Fatal("stage id round trip")
	}
	if NormalizeTag("  AI  Screened ") != "ai-screened" {
		t.Fatal(NormalizeTag("  AI  Screened "))
	}
}
