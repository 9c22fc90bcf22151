package app

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/app/connections"
)

// readmeBlock returns the README and the generated block between
// <!-- name ... --> and <!-- /name -->.
func readmeBlock(t *testing.T, name string) (readme, block string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(b), "<!-- "+name)
	_, rest, ok2 := strings.Cut(rest, "-->\n")
	block, _, ok3 := strings.Cut(rest, "<!-- /"+name+" -->")
	if !ok1 || !ok2 || !ok3 {
		t.Fatalf("README lacks the %s markers", name)
	}
	return string(b), block
}

// The README's configuration table is the generated one.
func TestREADMEConfigTable(t *testing.T) {
	_, table := readmeBlock(t, "config-table")
	var want bytes.Buffer
	PrintConfigTable(&want)
	if strings.TrimSpace(table) != strings.TrimSpace(want.String()) {
		t.Fatalf("README config table is stale; replace it with:\n%s", want.String())
	}
}

// The README's capability matrix is the generated one.
func TestREADMECapabilityMatrix(t *testing.T) {
	readme, table := readmeBlock(t, "capability-matrix")
	var want bytes.Buffer
	connections.PrintCapabilityMatrix(&want)
	if strings.TrimSpace(table) == strings.TrimSpace(want.String()) {
		return
	}
	if os.Getenv("HIRELOOP_UPDATE_README") == "1" {
		updated := strings.Replace(readme, table, "\n"+strings.TrimSpace(want.String())+"\n", 1)
		if !strings.HasPrefix(table, "\n") {
			updated = strings.Replace(readme, table, strings.TrimSpace(want.String())+"\n", 1)
		}
		if err := os.WriteFile("../README.md", []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("README capability matrix rewritten")
		return
	}
	t.Fatalf("README capability matrix is stale; run HIRELOOP_UPDATE_README=1 go test -run TestREADMECapabilityMatrix ./app, or replace it with:\n%s", want.String())
}

// Every package directory under app/ and ats/ is named in the README's
// architecture map, so the map cannot fall behind the code.
func TestREADMEArchitectureMapsEveryPackage(t *testing.T) {
	readme, _ := readmeBlock(t, "architecture-map")
	_, mapText, _ := strings.Cut(readme, "<!-- architecture-map")
	mapText, _, _ = strings.Cut(mapText, "\n```\n\n")
	for _, root := range []string{".", "../ats"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() || path == root {
				return err
			}
			switch d.Name() {
			case "fake", "testdata", "templates", "fonts", "migrations":
				return filepath.SkipDir // inside a package the map names
			}
			if goFiles, _ := filepath.Glob(filepath.Join(path, "*.go")); len(goFiles) == 0 {
				return nil
			}
			if !strings.Contains(mapText, " "+d.Name()+"/") {
				t.Errorf("README architecture map does not name %s", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
