package mail

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// BenchmarkSendBatch sends batches of 1,000 messages over one connection and
// reports the throughput in msgs/s (target: at least 500 msgs/s to mailpit).
//
//   - text: small text/plain messages to mailpit (the stack notes' yardstick).
//   - invitation: the rendered default invitation (about 4.5 KB HTML plus
//     text) to mailpit. mailpit parses and indexes every HTML part, about
//     2 ms of its CPU per message, so this figure is bounded by the server.
//   - invitation-stub: the same messages to an in-process SMTP stub that
//     only reads them, i.e. the client's own ceiling.
func BenchmarkSendBatch(b *testing.B) {
	const n = 1000
	subject, html, text, err := Render(Invitation, Template{}, Branding{CompanyName: "Acme"}, SampleVars())
	if err != nil {
		b.Fatal(err)
	}
	small := func(i int) Message {
		return Message{To: fmt.Sprintf("c%d@example.test", i), Subject: "Your interview", Text: "Hello, your interview is ready.\n"}
	}
	invitation := func(i int) Message {
		return Message{To: fmt.Sprintf("c%d@example.test", i), ToName: fmt.Sprintf("Candidate %d", i),
			Subject: subject, HTML: html, Text: text}
	}
	b.Run("text", func(b *testing.B) { benchMailpit(b, n, small) })
	b.Run("invitation", func(b *testing.B) { benchMailpit(b, n, invitation) })
	b.Run("invitation-stub", func(b *testing.B) {
		stub := newStubSMTP(b)
		benchSend(b, newSender(b, stub.settings()), n, invitation, nil)
		if got := len(stub.deliveredTo()); got != n*b.N {
			b.Fatalf("stub received %d messages, want %d", got, n*b.N)
		}
	})
}

func benchMailpit(b *testing.B, n int, mk func(int) Message) {
	mp := mailpittest.Start(b)
	benchSend(b, newSender(b, mailpitSettings(mp)), n, mk, func() {
		if got := len(mp.WaitFor(b, n, 10*time.Second)); got != n {
			b.Fatalf("mailpit holds %d messages, want %d", got, n)
		}
		mp.Clear(b)
	})
}

// benchSend sends b.N batches of n messages; after each batch, with the
// timer stopped, it runs check.
func benchSend(b *testing.B, c *SMTP, n int, mk func(int) Message, check func()) {
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = mk(i)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range msgs {
			msgs[j].ID = fmt.Sprintf("bench-%d-%d", i, j)
		}
		for j, err := range c.Send(ctx, msgs) {
			if err != nil {
				b.Fatalf("message %d: %v", j, err)
			}
		}
		if check != nil {
			b.StopTimer()
			check()
			b.StartTimer()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
