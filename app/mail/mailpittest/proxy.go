package mailpittest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// Proxy forwards SMTP to a real server (mailpit) and can hold the
// server's reply to the end of a message: the message is delivered, and
// the sender never learns it. Tests use it to leave a message in flight
// when they crash a sender or drop its connection.
type Proxy struct {
	ln     net.Listener
	target string
	held   chan struct{} // closed when a reply is held
	mu     sync.Mutex
	left   int // replies to forward before holding one; < 0 never holds
	once   sync.Once
	conns  []net.Conn
	cutCh  chan struct{}
	wg     sync.WaitGroup
}

// NewProxy listens on a free 127.0.0.1 port and forwards to target
// (host:port). It passes holdAfter replies to a message's end, then holds
// the next one until Cut; a negative holdAfter never holds.
func NewProxy(t testing.TB, target string, holdAfter int) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target, held: make(chan struct{}), left: holdAfter, cutCh: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.Cut(); p.wg.Wait() })
	return p
}

// Port is the proxy's SMTP port on 127.0.0.1.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Held is closed once a reply is being held.
func (p *Proxy) Held() <-chan struct{} { return p.held }

// PassThrough stops holding replies, on new and current connections.
func (p *Proxy) PassThrough() {
	p.mu.Lock()
	p.left = -1
	p.mu.Unlock()
}

// Cut closes every connection, dropping a held reply.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.cutCh:
	default:
		close(p.cutCh)
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.cutCh = make(chan struct{})
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		cutCh := p.cutCh
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); bufio.NewReader(c).WriteTo(up); up.Close() }()
		go func() { defer p.wg.Done(); p.replies(up, c, cutCh); c.Close() }()
	}
}

// replies copies the server's replies line by line. mailpit answers the
// end of a message with "250 2.0.0 Ok: queued as …".
func (p *Proxy) replies(up, c net.Conn, cutCh chan struct{}) {
	r := bufio.NewReader(up)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.HasPrefix(line, "250 ") && strings.Contains(line, "queued") {
			p.mu.Lock()
			hold := p.left == 0
			if p.left > 0 {
				p.left--
			}
			p.mu.Unlock()
			if hold {
				p.once.Do(func() { close(p.held) })
				<-cutCh
				return
			}
		}
		if _, err := c.Write([]byte(line)); err != nil {
			return
		}
	}
}
