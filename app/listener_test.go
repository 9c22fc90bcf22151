package app

import (
	"bufio"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// closeUnused drops a connection that never sent a byte (shutdown would
// otherwise wait for it) and keeps one that is mid-request; connections
// accepted afterwards are closed at once.
func TestConnTrackerClosesOnlyUnusedConnections(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newConnTracker(inner)
	defer ln.Close()
	accept := func() (client net.Conn, server net.Conn) {
		t.Helper()
		client, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { client.Close() })
		server, err = ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return client, server
	}
	idleClient, _ := accept()
	usedClient, usedServer := accept()
	if _, err := usedClient.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(usedServer).ReadString('\n')
	if err != nil || line != "GET / HTTP/1.1\r\n" {
		t.Fatalf("server read %q, %v", line, err)
	}

	ln.closeUnused()

	_ = idleClient.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idleClient.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("the unused connection reads %v after closeUnused, want EOF (closed by the server)", err)
	}
	if _, err := usedServer.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n")); err != nil {
		t.Fatalf("the connection with a request in flight was closed: %v", err)
	}
	late, lateServer := accept()
	_ = late.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := late.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("a connection accepted after closeUnused reads %v, want EOF", err)
	}
	_ = lateServer.Close()
	if n := len(ln.conns); n != 1 {
		t.Fatalf("%d tracked connections, want 1 (the one in use)", n)
	}
	_ = usedServer.Close()
	if n := len(ln.conns); n != 0 {
		t.Fatalf("%d tracked connections after closing, want 0", n)
	}
}
