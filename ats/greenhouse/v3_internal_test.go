package greenhouse

import (
	"net/url"
	"testing"
)

func TestTokenURLFor(t *testing.T) {
	for base, want := range map[string]string{
		"https://harvest.greenhouse.io/v3":      "https://auth.greenhouse.io/token",
		"https://api.greenhouse.io/v3":          "https://auth.greenhouse.io/token",
		"http://127.0.0.1:4321/v3":              "http://127.0.0.1:4321/token",
		"https://egress.corp.example/gh/v3":     "https://egress.corp.example/token",
		"https://greenhouse.io.evil.example/v3": "https://greenhouse.io.evil.example/token",
	} {
		u, _ := url.Parse(base)
		if got := tokenURLFor(u); got != want {
			t.Errorf("tokenURLFor(%s) = %s, want %s", base, got, want)
		}
	}
}
