package mail

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// stubAction is what the stub SMTP server does after receiving a message body.
type stubAction int

const (
	stubAccept          stubAction = iota // 250
	stubDropAfterReply                    // 250, then close the connection
	stubDropBeforeReply                   // close without replying (ambiguous for the client)
	stubHang                              // never reply
	stubTempFail                          // 451
	stubRejectContent                     // 554
)

// stubSMTP is a minimal scripted SMTP server on 127.0.0.1 for failures that
// mailpit cannot produce: dropped connections, 4xx replies, hangs.
type stubSMTP struct {
	ln net.Listener

	// rcpt returns the reply for RCPT TO:<addr>; nil or "" means 250.
	rcpt func(addr string) string
	// data returns what to do with the n-th message body (1-based, over all
	// connections); nil means accept.
	data func(n int) stubAction

	mu        sync.Mutex
	conns     int
	bodies    int
	delivered []string // recipients of accepted messages, in order
	open      map[net.Conn]bool
	wg        sync.WaitGroup
}

func newStubSMTP(t testing.TB) *stubSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stubSMTP{ln: ln, open: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *stubSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *stubSMTP) settings() Settings {
	return Settings{Host: "127.0.0.1", Port: s.port(), TLS: TLSNone, FromName: "Acme", FromAddress: "jobs@acme.test"}
}

func (s *stubSMTP) connCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

func (s *stubSMTP) deliveredTo() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.delivered...)
}

func (s *stubSMTP) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for c := range s.open {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *stubSMTP) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		s.open[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
			s.mu.Lock()
			delete(s.open, c)
			s.mu.Unlock()
			_ = c.Close()
		}()
	}
}

func (s *stubSMTP) session(c net.Conn) {
	r := bufio.NewReader(c)
	reply := func(line string) bool {
		_, err := c.Write([]byte(line + "\r\n"))
		return err == nil
	}
	if !reply("220 stub.test ESMTP") {
		return
	}
	var rcpts []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch {
		case verb == "EHLO":
			reply("250-stub.test\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")
		case verb == "HELO", verb == "NOOP":
			reply("250 OK")
		case verb == "RSET":
			rcpts = nil
			reply("250 OK")
		case verb == "MAIL":
			rcpts = nil
			reply("250 2.1.0 OK")
		case verb == "RCPT":
			addr := line[strings.Index(line, "<")+1 : strings.Index(line, ">")]
			resp := ""
			if s.rcpt != nil {
				resp = s.rcpt(addr)
			}
			if resp == "" {
				resp = "250 2.1.5 OK"
				rcpts = append(rcpts, addr)
			}
			reply(resp)
		case verb == "DATA":
			if len(rcpts) == 0 {
				reply("503 5.5.1 No valid recipients")
				continue
			}
			reply("354 End data with <CR><LF>.<CR><LF>")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			s.mu.Lock()
			s.bodies++
			n := s.bodies
			s.mu.Unlock()
			act := stubAccept
			if s.data != nil {
				act = s.data(n)
			}
			switch act {
			case stubAccept, stubDropAfterReply:
				s.mu.Lock()
				s.delivered = append(s.delivered, rcpts...)
				s.mu.Unlock()
				reply("250 2.0.0 queued")
				if act == stubDropAfterReply {
					return
				}
			case stubDropBeforeReply:
				return
			case stubHang:
				_, _ = r.ReadString('\n') // until the client gives up
				return
			case stubTempFail:
				reply("451 4.3.0 try again later")
			case stubRejectContent:
				reply("554 5.7.1 message rejected as spam")
			}
			rcpts = nil
		case verb == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 command not recognised")
		}
	}
}
