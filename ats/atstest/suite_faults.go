package atstest

// The suite's fault cases (rate limits, server errors, bad credentials,
// malformed answers, cancellation), webhooks and writes.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

func testRateLimited(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	f.Inject(Fault{Kind: FaultRateLimited, RetryAfter: time.Second})
	var n int
	start := time.Now()
	// Jobs: every vendor has them, so the read surely makes a request.
	err := c.ListJobs(context.Background(), ats.ListOptions{}, func(p []ats.Job) error { n += len(p); return nil })
	if err != nil {
		t.Fatalf("read after one 429 should succeed: %v", err)
	}
	if n != f.Expect().Jobs {
		t.Fatalf("got %d rows", n)
	}
	if c.Stats().RateLimited != 1 || c.Stats().Retries < 1 {
		t.Fatalf("stats = %+v, want 1 rate-limited + a retry", c.Stats())
	}
	if v := f.RetryAfterViolations(); v != 0 {
		t.Fatalf("client retried %d times before Retry-After (took %v)", v, time.Since(start))
	}
}

func testServerError(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	f.Inject(Fault{Kind: FaultServer, Message: "boom"}, Fault{Kind: FaultServer, Message: "boom"})
	var n int
	if err := c.ListJobs(context.Background(), ats.ListOptions{}, func(p []ats.Job) error { n += len(p); return nil }); err != nil {
		t.Fatalf("read after two 5xx should succeed: %v", err)
	}
	if n != f.Expect().Jobs || c.Stats().Retries != 2 {
		t.Fatalf("rows=%d stats=%+v", n, c.Stats())
	}
}

func testUnauthorized(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	f.Inject(Fault{Kind: FaultUnauthorized, Message: "Invalid API key"})
	before := f.Requests()
	err := c.ListJobs(context.Background(), ats.ListOptions{}, func([]ats.Job) error { return nil })
	if !errors.Is(err, ats.ErrUnauthorized) || ats.IsTransient(err) {
		t.Fatalf("err = %v, want permanent ErrUnauthorized", err)
	}
	if !strings.Contains(err.Error(), "API key") || !strings.Contains(err.Error(), h.Name) {
		t.Fatalf("error %q should name the provider and say to check the API key", err)
	}
	if f.Requests()-before != 1 {
		t.Fatalf("401 was retried (%d requests)", f.Requests()-before)
	}
}

func testMalformed(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	f.Inject(Fault{Kind: FaultMalformed})
	err := c.ListCandidates(context.Background(), ats.ListOptions{}, func([]ats.Candidate) error { return nil })
	if !errors.Is(err, ats.ErrMalformedResponse) || !strings.Contains(err.Error(), "invalid JSON") {
		t.Fatalf("err = %v, want ErrMalformedResponse mentioning invalid JSON", err)
	}
}

func testRateLimitRespected(t *testing.T, h Harness) {
	rl := ats.RateLimit{Requests: 4, Per: 300 * time.Millisecond}
	c, f := h.New(t, Options{PageSize: 2, RateLimit: rl})
	before := f.Requests()
	start := time.Now()
	if err := c.ListCandidates(context.Background(), ats.ListOptions{}, func([]ats.Candidate) error { return nil }); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	reqs := f.Requests() - before
	if f.Throttled() != 0 {
		t.Fatalf("well-behaved client got %d 429s in %d requests", f.Throttled(), reqs)
	}
	floor := time.Duration((reqs-1)/rl.Requests) * rl.Per
	if elapsed < floor {
		t.Fatalf("%d requests took %v, below the %v floor: limiter not applied", reqs, elapsed, floor)
	}
}

// testFakeEnforcesLimit checks the fake, not the connector: a fake that
// ignores the limit it is given would let every pacing test pass against
// a client that never paces. The client here is configured with a budget
// far above the fake's, so it either bursts into the fake's 429s (and must
// recover from them, honouring Retry-After) or paces itself from the
// fake's rate-limit headers; either way the listing must take at least
// the floor the fake's limit implies.
func testFakeEnforcesLimit(t *testing.T, h Harness) {
	// About five pages: enough to cross the limit twice, few enough that
	// a bursting client's whole-second Retry-After waits stay short.
	c, f := h.New(t, Options{PageSize: max(2, (h.seedCandidates(t)+4)/5)})
	rl := ats.RateLimit{Requests: 2, Per: 300 * time.Millisecond}
	f.SetRateLimit(rl.Requests, rl.Per)
	before, limitedBefore := f.Requests(), c.Stats().RateLimited
	start := time.Now()
	if err := c.ListCandidates(context.Background(), ats.ListOptions{}, func([]ats.Candidate) error { return nil }); err != nil {
		t.Fatalf("listing against a fake that rate-limits: %v", err)
	}
	elapsed := time.Since(start)
	limited := c.Stats().RateLimited - limitedBefore // 429s the client received
	reqs := f.Requests() - before - int(limited)
	if reqs <= rl.Requests {
		t.Fatalf("the listing took %d requests; the test needs more than the fake's limit of %d", reqs, rl.Requests)
	}
	floor := time.Duration((reqs-1)/rl.Requests) * rl.Per
	if limited == 0 && elapsed < floor {
		t.Fatalf("the fake served %d requests in %v (floor %v) with no 429 and no pacing headers: it does not enforce SetRateLimit(%d, %v)",
			reqs, elapsed, floor, rl.Requests, rl.Per)
	}
	if v := f.RetryAfterViolations(); v != 0 {
		t.Fatalf("the client sent %d requests before the fake's Retry-After", v)
	}
}

// seedCandidates is the fake's default seed size.
func (h Harness) seedCandidates(t *testing.T) int {
	_, f := h.New(t, Options{})
	return f.Expect().Candidates
}

func testCancel(t *testing.T, h Harness) {
	c, _ := h.New(t, Options{PageSize: 2})
	ctx, cancel := context.WithCancel(context.Background())
	pages := 0
	err := c.ListCandidates(ctx, ats.ListOptions{}, func([]ats.Candidate) error {
		pages++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || pages != 1 {
		t.Fatalf("err=%v pages=%d, want context.Canceled after 1 page", err, pages)
	}
}

func testWebhooks(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	cp := caps(t, c)
	if !cp.Webhooks.Supported {
		t.Skip("no webhooks")
	}
	if len(h.Webhooks) < 2 {
		t.Fatal("harness needs at least two webhook samples")
	}
	const secret = "whsec-test-123"
	ids := map[string]string{}
	ds, bodySigned := f.(DeliverySigner)
	for _, wc := range h.Webhooks {
		t.Run(wc.Name, func(t *testing.T) {
			var hdr http.Header
			body := wc.Body
			if bodySigned {
				hdr, body = ds.SignDelivery(wc.Body, secret)
			} else {
				hdr = f.SignWebhook(wc.Body, secret)
			}
			for k, v := range wc.Header {
				hdr[k] = v
			}
			if !bodySigned && hdr.Get(cp.Webhooks.SignatureHeader) == "" {
				t.Fatalf("SignWebhook did not set %s", cp.Webhooks.SignatureHeader)
			}
			if err := c.VerifyWebhook(hdr, body, secret); err != nil {
				t.Fatalf("genuine delivery rejected: %v", err)
			}
			th, tb := hdr, tamper(body)
			if bodySigned {
				th, tb = ds.TamperDelivery(hdr.Clone(), body)
			}
			if err := c.VerifyWebhook(th, tb, secret); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Fatalf("tampered body: %v", err)
			}
			if err := c.VerifyWebhook(hdr, body, "wrong-secret"); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Fatalf("wrong secret: %v", err)
			}
			if err := c.VerifyWebhook(hdr, body, ""); !errors.Is(err, ats.ErrWebhookSecretMissing) {
				t.Fatalf("empty secret: %v", err)
			}
			bare, bareBody := hdr.Clone(), body
			if bodySigned {
				bare, bareBody = ds.StripSignature(hdr.Clone(), body)
			} else {
				bare.Del(cp.Webhooks.SignatureHeader)
			}
			if err := c.VerifyWebhook(bare, bareBody, secret); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Fatalf("missing signature: %v", err)
			}

			ev, err := c.ParseWebhook(hdr, body)
			if err != nil {
				t.Fatal(err)
			}
			ev2, err := c.ParseWebhook(hdr, body)
			if err != nil || ev2.ID != ev.ID || ev.ID == "" {
				t.Fatalf("replayed delivery must keep its dedupe id: %q vs %q (%v)", ev.ID, ev2.ID, err)
			}
			if prev, dup := ids[ev.ID]; dup {
				t.Fatalf("deliveries %s and %s share dedupe id %s", prev, wc.Name, ev.ID)
			}
			ids[ev.ID] = wc.Name
			w := wc.Want
			if w.Type != "" && ev.Type != w.Type {
				t.Errorf("Type = %q, want %q", ev.Type, w.Type)
			}
			if w.ApplicationID != "" && ev.ApplicationID != w.ApplicationID {
				t.Errorf("ApplicationID = %q, want %q", ev.ApplicationID, w.ApplicationID)
			}
			if w.CandidateID != "" && ev.CandidateID != w.CandidateID {
				t.Errorf("CandidateID = %q, want %q", ev.CandidateID, w.CandidateID)
			}
			if w.Ping != ev.Ping {
				t.Errorf("Ping = %v, want %v", ev.Ping, w.Ping)
			}
			for _, m := range w.Models {
				if !ev.Changed(m) {
					t.Errorf("model %s not reported (got %v)", m, ev.Models)
				}
			}
			if w.StageChange != nil {
				if ev.StageChange == nil || ev.StageChange.ToStageID != w.StageChange.ToStageID {
					t.Errorf("StageChange = %+v, want to %s", ev.StageChange, w.StageChange.ToStageID)
				}
			}
			if len(ev.Raw) == 0 {
				t.Errorf("Raw missing")
			}
		})
	}
	if _, err := c.ParseWebhook(http.Header{}, []byte(`{not json`)); err == nil {
		t.Error("ParseWebhook accepted malformed JSON")
	}
}

// writeCall performs action a with standard inputs built from samples.
func writeCall(ctx context.Context, c ats.Connector, a ats.WriteAction, s Samples) (any, error) {
	switch a {
	case ats.ActionResultLink:
		in := ats.ResultLink{ApplicationID: s.ApplicationID, CandidateID: s.CandidateID, Label: "hireloop interview",
			URL: "https://hireloop.example/r/abc", AttributePrefix: "hireloop:", Attributes: []ats.KeyValue{{Key: "Score", Value: "82%"}}}
		_, err := c.AddResultLink(ctx, in)
		return in, err
	case ats.ActionNote:
		in := ats.Note{ApplicationID: s.ApplicationID, CandidateID: s.CandidateID, Body: "AI interview completed. Score 82%."}
		_, err := c.AddNote(ctx, in)
		return in, err
	case ats.ActionAttachment:
		in := ats.Attachment{ApplicationID: s.ApplicationID, CandidateID: s.CandidateID, Name: "interview-report.pdf",
			ContentType: "application/pdf", Kind: ats.AttachmentOther, Data: []byte("%PDF-1.4 hireloop"), URL: "https://hireloop.example/r/abc.pdf"}
		_, err := c.AddAttachment(ctx, in)
		return in, err
	case ats.ActionMoveStage:
		in := ats.StageMove{ApplicationID: s.ApplicationID, FromStageID: s.StageID, ToStageID: s.OtherStageID}
		_, err := c.MoveToStage(ctx, in)
		return in, err
	case ats.ActionReject:
		in := ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: "Not a fit for this role."}
		_, err := c.Reject(ctx, in)
		return in, err
	case ats.ActionAddTag:
		in := ats.TagAssignment{CandidateID: s.CandidateID, Name: "hireloop-interviewed"}
		_, err := c.AddTag(ctx, in)
		return in, err
	}
	return nil, fmt.Errorf("unknown action %s", a)
}

func testWrites(t *testing.T, h Harness) {
	for _, a := range ats.AllActions {
		t.Run(string(a), func(t *testing.T) {
			c, f := newConn(t, h)
			cp := caps(t, c)
			ctx := context.Background()
			s := f.Samples()
			if !cp.Supports(a) {
				_, err := writeCall(ctx, c, a, s)
				if !errors.Is(err, ats.ErrUnsupported) {
					t.Fatalf("unsupported %s returned %v, want ErrUnsupported", a, err)
				}
				if ats.VendorMessage(err) == "" {
					t.Errorf("unsupported %s error carries no reason", a)
				}
				if n := len(f.Writes()); n != 0 {
					t.Fatalf("unsupported %s still sent %d requests", a, n)
				}
				return
			}
			in, err := writeCall(ctx, c, a, s)
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			reqs := f.Writes()
			if len(reqs) == 0 {
				t.Fatalf("%s sent no write request", a)
			}
			h.CheckWrite(t, a, in, reqs)

			cases := []struct {
				fault Fault
				check func(error) bool
				want  string
			}{
				{Fault{Kind: FaultNotFound, Message: "Resource not found"}, func(e error) bool { return errors.Is(e, ats.ErrNotFound) }, "ErrNotFound"},
				{Fault{Kind: FaultInvalid, Message: "Must be one of: candidate, prospect"}, func(e error) bool {
					var iie *ats.InvalidInputError
					return errors.As(e, &iie) && strings.Contains(ats.VendorMessage(e), "Must be one of: candidate, prospect")
				}, "InvalidInputError with the vendor message"},
				{Fault{Kind: FaultRateLimited, RetryAfter: time.Second}, func(e error) bool {
					d, ok := ats.RetryAfter(e)
					return ok && d > 0 && ats.IsTransient(e)
				}, "RateLimitedError with RetryAfter"},
				{Fault{Kind: FaultServer, Message: "boom"}, func(e error) bool { return errors.Is(e, ats.ErrUnavailable) && ats.IsTransient(e) }, "transient ErrUnavailable"},
				{Fault{Kind: FaultUnauthorized, Message: "Invalid API key"}, func(e error) bool { return errors.Is(e, ats.ErrUnauthorized) }, "ErrUnauthorized"},
			}
			for _, tc := range cases {
				// Each case gets a fresh connector so a 429 pause from the
				// previous case does not delay this one.
				c, f := newConn(t, h)
				f.Inject(tc.fault)
				_, err := writeCall(ctx, c, a, f.Samples())
				if !tc.check(err) {
					t.Errorf("fault %d: %s returned %v, want %s", tc.fault.Kind, a, err, tc.want)
				}
				if n := len(f.Writes()); n != 1 {
					t.Errorf("fault %d: %s sent %d write requests, want exactly 1 (writes are never retried)", tc.fault.Kind, a, n)
				}
			}
		})
	}
}
