package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/api"
	"github.com/hireloop/hireloop/store"
)

// testUI stands in for the built console.
var testUI = fstest.MapFS{
	"index.html":             {Data: []byte(`<!doctype html><title>hireloop</title><script type="module" src="/assets/index-abc123.js"></script>`)},
	"assets/index-abc123.js": {Data: []byte(`console.log("hi")`)},
	"favicon.svg":            {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

func testConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.ShutdownGrace = 0
	return cfg
}

func newTestApp(t *testing.T, mutate ...func(*Config)) *App {
	t.Helper()
	cfg := testConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	a, err := New(context.Background(), cfg, Options{Version: "test", UI: testUI})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// client is a caller of the test app: a browser (cookie + CSRF token) or a
// script (bearer token), or anonymous.
type client struct {
	t      *testing.T
	a      *App
	cookie string
	csrf   string
	bearer string
	ip     string
	header map[string]string
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.Status, r.Body)
	}
	return m
}

// errCode returns error.code of an error response.
func (r resp) errCode(t *testing.T) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("not an error response (%d): %s", r.Status, r.Body)
	}
	return e["code"].(string)
}

func (c *client) do(method, path string, body any) resp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: c.cookie})
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.ip != "" {
		req.Header.Set("X-Forwarded-For", c.ip) // only read when a proxy header is configured
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := c.a.HTTP().Test(req, -1)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// Keep the session cookie like a browser would.
	for _, ck := range res.Cookies() {
		if ck.Name == api.SessionCookie {
			c.cookie = ck.Value
			if ck.MaxAge < 0 || ck.Value == "" {
				c.cookie = ""
			}
		}
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (c *client) mustStatus(want int, method, path string, body any) resp {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

const testPassword = "correct horse battery"

// setupAdmin runs first-run setup and returns the signed-in browser client.
func setupAdmin(t *testing.T, a *App) (*client, int64) {
	t.Helper()
	c := &client{t: t, a: a}
	r := c.mustStatus(201, "POST", "/api/setup", map[string]string{
		"name": "Ada Admin", "email": "ada@example.com", "password": testPassword, "workspace_name": "Acme Recruiting",
	})
	m := r.json(t)
	c.csrf = m["csrf_token"].(string)
	return c, int64(m["workspace"].(map[string]any)["id"].(float64))
}

// newUser creates an account directly in the store and signs it in.
func newUser(t *testing.T, a *App, email string, admin bool) (*client, *store.User) {
	t.Helper()
	hash, err := accounts.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Store().CreateUser(context.Background(), email, strings.Split(email, "@")[0], hash, admin)
	if err != nil {
		t.Fatal(err)
	}
	return login(t, a, email, testPassword), u
}

func login(t *testing.T, a *App, email, password string) *client {
	t.Helper()
	c := &client{t: t, a: a}
	r := c.mustStatus(200, "POST", "/api/auth/login", map[string]string{"email": email, "password": password})
	c.csrf = r.json(t)["csrf_token"].(string)
	return c
}
