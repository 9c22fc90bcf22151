package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/ats/sandbox"
)

// The demo loop over real sockets: hireloop serving, the Sandbox ATS on
// its own port, a sandbox connection made through the API, the first sync,
// then a stage move in the sandbox arriving as a signed webhook that
// becomes a stage event at once.
func TestDemoSandboxLoop(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownGrace = 5 * time.Second
	sb, err := sandbox.Start(sandbox.Options{StatePath: filepath.Join(cfg.DataDir, "sandbox-state.json")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, Options{Version: "test", UI: testUI, Sandbox: sb})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	var csrf string
	call := func(method, path string, body any, out any) int {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	var setup struct {
		CSRF      string `json:"csrf_token"`
		Workspace struct{ ID int64 }
	}
	if s := call("POST", "/api/setup", map[string]string{"name": "Demo", "email": "demo@example.com", "password": testPassword, "workspace_name": "Demo"}, &setup); s != 201 {
		t.Fatalf("setup: %d", s)
	}
	csrf = setup.CSRF
	var provs struct{ Providers []struct{ Name string } }
	call("GET", "/api/providers", nil, &provs)
	hasSandbox := false
	for _, p := range provs.Providers {
		hasSandbox = hasSandbox || p.Name == connections.ProviderSandbox
	}
	if !hasSandbox {
		t.Fatalf("providers lack the sandbox in demo mode: %+v", provs)
	}
	ws := fmt.Sprintf("/api/workspaces/%d", setup.Workspace.ID)
	var created struct{ Connection struct{ ID int64 } }
	if s := call("POST", ws+"/connections", map[string]string{"provider": "sandbox", "name": "Demo ATS"}, &created); s != 201 {
		t.Fatalf("connect sandbox: %d", s)
	}
	cpath := fmt.Sprintf("%s/connections/%d", ws, created.Connection.ID)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var runs struct {
			Runs []struct {
				Status string
				Counts map[string]int
			}
		}
		call("GET", cpath+"/runs", nil, &runs)
		if len(runs.Runs) > 0 && runs.Runs[0].Status == "succeeded" {
			if runs.Runs[0].Counts["applications"] < 300 || runs.Runs[0].Counts["jobs"] < 5 {
				t.Fatalf("sandbox sync counts: %v", runs.Runs[0].Counts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first sync did not succeed: %+v", runs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Move an active application to another stage of its job, in the sandbox.
	var apps struct {
		Applications []struct {
			ExtID      string `json:"ext_id"`
			JobExtID   string `json:"job_ext_id"`
			StageExtID string `json:"stage_ext_id"`
		}
	}
	call("GET", ws+"/applications?status=active&limit=1", nil, &apps)
	app := apps.Applications[0]
	var ps struct {
		Positions []struct {
			ExtID  string `json:"ext_id"`
			Stages []struct {
				ExtID string `json:"ext_id"`
			}
		}
	}
	call("GET", ws+"/positions?limit=100", nil, &ps)
	to := ""
	for _, p := range ps.Positions {
		if p.ExtID == app.JobExtID {
			for _, s := range p.Stages {
				if s.ExtID != app.StageExtID && to == "" {
					to = s.ExtID
				}
			}
		}
	}
	// As a person's integration would: a Harvest v3 token, then the move
	// with the current stage.
	form := url.Values{"grant_type": {"client_credentials"}, "sub": {sb.ActingUserID()}}
	treq, _ := http.NewRequest("POST", sb.TokenURL(), strings.NewReader(form.Encode()))
	treq.SetBasicAuth(sb.ClientID(), sb.APIKey())
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tres, err := http.DefaultClient.Do(treq)
	if err != nil || tres.StatusCode != 200 {
		t.Fatalf("sandbox token: %v %v", err, tres)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(tres.Body).Decode(&tok)
	tres.Body.Close()
	body := fmt.Sprintf(`{"from_stage_id":%s,"to_stage_id":%s}`, app.StageExtID, to)
	req, _ := http.NewRequest("POST", sb.BaseURL()+"/applications/"+app.ExtID+"/move", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sandbox move: %v %v", err, res.Status)
	}
	res.Body.Close()
	deadline = time.Now().Add(10 * time.Second)
	for {
		var evs struct {
			Events []struct {
				ApplicationExtID string `json:"application_ext_id"`
				ToStageExtID     string `json:"to_stage_ext_id"`
				Source           string
			}
		}
		call("GET", cpath+"/stage-events", nil, &evs)
		if len(evs.Events) == 1 {
			e := evs.Events[0]
			if e.ApplicationExtID != app.ExtID || e.ToStageExtID != to || e.Source != "webhook" {
				t.Fatalf("stage event %+v", e)
			}
			break
		}
		if len(evs.Events) > 1 || time.Now().After(deadline) {
			t.Fatalf("want one webhook stage event, got %+v", evs.Events)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The sandbox page is mounted in demo mode.
	if res, err := hc.Get(base + "/sandbox/"); err != nil || res.StatusCode != 200 {
		t.Fatalf("sandbox page: %v %v", err, res)
	}
}
