package app

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/app/connections"
)

// The README's configuration table is the generated one.
func TestREADMEConfigTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(b), "<!-- config-table")
	_, rest, ok2 := strings.Cut(rest, "-->\n")
	table, _, ok3 := strings.Cut(rest, "<!-- /config-table -->")
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("README lacks the config-table markers")
	}
	var want bytes.Buffer
	PrintConfigTable(&want)
	if strings.TrimSpace(table) != strings.TrimSpace(want.String()) {
		t.Fatalf("README config table is stale; replace it with:\n%s", want.String())
	}
}

// The README's capability matrix is the generated one.
func TestREADMECapabilityMatrix(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(b), "<!-- capability-matrix")
	_, rest, ok2 := strings.Cut(rest, "-->\n")
	table, _, ok3 := strings.Cut(rest, "<!-- /capability-matrix -->")
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("README lacks the capability-matrix markers")
	}
	var want bytes.Buffer
	connections.PrintCapabilityMatrix(&want)
	if strings.TrimSpace(table) != strings.TrimSpace(want.String()) {
		if os.Getenv("HIRELOOP_UPDATE_README") == "1" {
			updated := strings.Replace(string(b), table, "\n"+strings.TrimSpace(want.String())+"\n", 1)
			if !strings.HasPrefix(table, "\n") {
				updated = strings.Replace(string(b), table, strings.TrimSpace(want.String())+"\n", 1)
			}
			if err := os.WriteFile("../README.md", []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("README capability matrix rewritten")
			return
		}
		t.Fatalf("README capability matrix is stale; run HIRELOOP_UPDATE_README=1 go test -run TestREADMECapabilityMatrix ./app, or replace it with:\n%s", want.String())
	}
}
