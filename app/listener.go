package app

import (
	"net"
	"sync"
	"sync/atomic"
)

// connTracker wraps the HTTP listener so shutdown can close connections
// that never sent a byte. fasthttp's drain waits on such a connection (a
// browser's speculative preconnect, an HTTP client's spare dial): with one
// open, a stop took 12 s, until the client hung up, and can take the whole
// shutdown grace. Connections that have sent anything are left to the
// drain, which lets their requests finish.
type connTracker struct {
	net.Listener
	mu       sync.Mutex
	conns    map[*trackedConn]struct{}
	stopping bool
}

func newConnTracker(ln net.Listener) *connTracker {
	return &connTracker{Listener: ln, conns: map[*trackedConn]struct{}{}}
}

// Accept implements net.Listener. Once shutdown has begun, a connection
// that slips in before the listener closes is closed at once.
func (l *connTracker) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping {
		_ = c.Close()
		return tc, nil
	}
	l.conns[tc] = struct{}{}
	return tc, nil
}

// closeUnused closes every connection that has not sent a byte, and every
// one accepted from now on.
func (l *connTracker) closeUnused() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopping = true
	for c := range l.conns {
		if !c.used.Load() {
			_ = c.Conn.Close()
			delete(l.conns, c)
		}
	}
}

type trackedConn struct {
	net.Conn
	l    *connTracker
	used atomic.Bool
	once sync.Once
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.used.Store(true)
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
