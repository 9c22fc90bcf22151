package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/api"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// Serve on a real socket: oversized bodies are refused with the JSON error
// shape, and cancelling the context shuts everything down cleanly.
func TestServeRejectsOversizeAndShutsDown(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownGrace = 5 * time.Second
	a, err := app.New(context.Background(), cfg, app.Options{Version: "test", UI: testUI})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := app.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	var res *http.Response
	for i := 0; i < 50; i++ {
		if res, err = http.Get(base + "/healthz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	// The server answers from the headers alone and closes the connection,
	// so announce the size and read the answer without sending the body.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", api.MaxBody+1)
	res, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	conn.Close()
	var e struct{ Error struct{ Code string } }
	if res.StatusCode != 413 || json.Unmarshal(b, &e) != nil || e.Error.Code != "payload_too_large" {
		t.Fatalf("oversize: %d %s", res.StatusCode, b)
	}

	// The container health probe sees the live server.
	if r := runCLI(t, nil, "", "healthcheck", "--addr", ln.Addr().String()); r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("healthcheck on live server: %+v", r)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
	if r := runCLI(t, nil, "", "healthcheck", "--addr", ln.Addr().String()); r.code != 1 || !strings.Contains(r.stderr, "unhealthy") {
		t.Fatalf("healthcheck on stopped server: %+v", r)
	}
	if err := a.Store().Ping(context.Background()); err == nil {
		t.Fatal("database still open after shutdown")
	}
}

// Shutdown does not wait for an open progress stream (a browser tab left
// on the integrations page): the stream ends with the app's context.
func TestShutdownEndsOpenEventStreams(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownGrace = 15 * time.Second
	a, err := app.New(context.Background(), cfg, app.Options{Version: "test", UI: testUI})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, _ := a.Store().CreateUser(ctx, "sse@example.com", "SSE", "x", true)
	ws, _ := a.Store().CreateWorkspace(ctx, "W", u.ID)
	tok, prefix := accounts.NewAPIToken()
	a.Store().CreateToken(ctx, u.ID, "t", prefix, secret.Hash(tok))
	conn := &store.Connection{WorkspaceID: ws.ID, Provider: "greenhouse", Name: "gh", WebhookToken: secret.Token(24), SyncInterval: time.Hour, Paused: true}
	if err := a.Store().CreateConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	run, err := a.Store().StartSyncRun(ctx, ws.ID, conn.ID, "full", "manual") // stays "running"
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := app.Listen("127.0.0.1:0")
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	time.Sleep(100 * time.Millisecond)
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api/workspaces/%d/sync-runs/%d/events", ln.Addr(), ws.ID, run.ID), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "event: progress") {
		t.Fatalf("first event: %q %v", line, err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown waited for the open event stream")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("shutdown took %s with an event stream open", d)
	}
}
