package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hireloop/hireloop/app"
)

// ghKey is the Greenhouse fake's API key.
// ghClientID and ghKey are the Harvest v3 client credentials the
// Greenhouse fake accepts (the key is the client secret).
const (
	ghClientID = "greenhouse-client-id"
	ghKey      = "harvest-test-key"
)

// testUI stands in for the built console.
var testUI = fstest.MapFS{
	"index.html":             {Data: []byte(`<!doctype html><title>hireloop</title><script type="module" src="/assets/index-abc123.js"></script>`)},
	"assets/index-abc123.js": {Data: []byte(`console.log("hi")`)},
}

type cliRun struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) cliRun {
	t.Helper()
	var out, errb bytes.Buffer
	c := &CLI{Version: "v9.9.9", Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin),
		Getenv: func(k string) string { return env[k] }}
	code := c.Run(args)
	return cliRun{code, out.String(), errb.String()}
}

func testConfig(t *testing.T) app.Config {
	t.Helper()
	cfg, err := app.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.ShutdownGrace = 0
	return cfg
}

func newTestApp(t *testing.T, mutate ...func(*app.Config)) *app.App {
	t.Helper()
	cfg := testConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Version: "test", UI: testUI})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// apiGet calls the API in process with a bearer token and decodes the JSON
// answer, failing the test on any status but want.
func apiGet(t *testing.T, a *app.App, bearer, path string, want int) map[string]any {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	res, err := a.HTTP().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d: %s", path, res.StatusCode, want, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("response is not JSON: %s", b)
	}
	return m
}
