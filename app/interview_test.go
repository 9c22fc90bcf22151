package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// interviewSetup is a workspace connected to the Greenhouse fake, with
// email going to a real mailpit.
type interviewSetup struct {
	*ghSetup
	mp *mailpittest.Server
}

func newInterviewSetup(t *testing.T) *interviewSetup {
	t.Helper()
	mp := mailpittest.Start(t)
	return withEmail(t, newGreenhouseSetup(t), mp)
}

// withEmail adds mailpit as the workspace's SMTP server and runs the email
// worker.
func withEmail(t *testing.T, g *ghSetup, mp *mailpittest.Server) *interviewSetup {
	t.Helper()
	s := &interviewSetup{ghSetup: g, mp: mp}
	// The app is not serving (requests go through app.Test), so run the
	// email worker here as Serve would.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.a.outbox.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	s.admin.mustStatus(200, "PUT", s.ws("/email"), map[string]any{
		"host": mp.SMTPHost(), "port": mp.SMTPPort(), "tls": "none", "from_name": "Acme Talent", "from_address": "talent@acme.example",
	})
	return s
}

func (s *interviewSetup) ws(p string) string { return fmt.Sprintf("/api/workspaces/%d%s", s.wid, p) }

// sampleStage picks the fake's first application's job and stage.
func (s *interviewSetup) sampleStage(t *testing.T) (positionID int64, job, stage string) {
	t.Helper()
	sm := s.fake.Samples()
	ps := s.admin.mustStatus(200, "GET", s.ws("/positions?limit=100"), nil).json(t)["positions"].([]any)
	for _, p := range ps {
		m := p.(map[string]any)
		if m["ext_id"] == sm.JobID {
			return int64(m["id"].(float64)), sm.JobID, sm.StageID
		}
	}
	t.Fatal("sample position not found")
	return 0, "", ""
}

func (s *interviewSetup) createInterview(t *testing.T) (int64, map[string]any) {
	t.Helper()
	pid, _, stage := s.sampleStage(t)
	iv := s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{
		"position_id": pid, "stage_ext_id": stage, "deadline_days": 5,
		"questions": []map[string]any{
			{"type": "text", "prompt": "Tell us about a project you are proud of.", "required": true,
				"rubric": []map[string]any{{"name": "Ownership", "weight": 2, "strong": "Owns the outcome"}}},
			{"type": "yes_no", "prompt": "Do you have a work permit for the EU?", "required": true, "knockout": map[string]any{"values": []string{"no"}, "reason": "No work permit"}},
			{"type": "single_choice", "prompt": "Preferred shift", "options": []string{"Early", "Late"}, "required": false},
			{"type": "multi_choice", "prompt": "Languages", "options": []string{"English", "German", "French"}, "required": false},
			{"type": "number", "prompt": "Years of experience", "required": true},
		},
	}).json(t)["interview"].(map[string]any)
	return int64(iv["id"].(float64)), iv
}

var linkRe = regexp.MustCompile(`/i/([A-Za-z0-9_-]{40,})`)

func TestInterviewPublishInvitesStageOnceAndEmails(t *testing.T) {
	s := newInterviewSetup(t)
	id, iv := s.createInterview(t)
	if iv["status"] != "draft" || iv["connection_id"] == nil || len(iv["questions"].([]any)) != 5 {
		t.Fatalf("created interview: %v", iv)
	}
	prev := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d/publish-preview", id)), nil).json(t)
	will := int(prev["will_invite"].(float64))
	if will < 1 || !strings.Contains(prev["message"].(string), "will be invited") {
		t.Fatalf("preview: %v", prev)
	}
	r := s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil).json(t)
	if int(r["invited"].(float64)) != will || r["interview"].(map[string]any)["status"] != "active" {
		t.Fatalf("publish: %v (preview said %d)", r, will)
	}
	msgs := s.mp.WaitFor(t, will, 15*time.Second)
	if len(msgs) != will {
		t.Fatalf("%d emails, want %d", len(msgs), will)
	}
	full := s.mp.Message(t, msgs[0].ID)
	m := linkRe.FindStringSubmatch(full.Text)
	if m == nil {
		t.Fatalf("no interview link in the email text:\n%s", full.Text)
	}
	// A second publish is refused, and a watchdog pass invites nobody new.
	s.admin.mustStatus(409, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil)
	s.a.watch.Tick(id)
	time.Sleep(300 * time.Millisecond)
	if n := len(s.mp.Messages(t)); n != will {
		t.Fatalf("after a tick: %d emails, want %d", n, will)
	}
	invs := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d/invitations", id)), nil).json(t)["invitations"].([]any)
	if len(invs) != will || invs[0].(map[string]any)["status"] != "sent" {
		t.Fatalf("invitations: %v", invs)
	}
}

func TestInterviewWatchdogAndWebhookInviteExactlyOnce(t *testing.T) {
	s := newInterviewSetup(t)
	// Take a job with two active applications; put one of them in another
	// stage of the job first (in the ATS, then synced), so it can move in.
	apps := s.admin.mustStatus(200, "GET", s.ws("/applications?status=active&limit=200"), nil).json(t)["applications"].([]any)
	var job, stage, mover, moverStage string
	for _, a := range apps {
		for _, b := range apps {
			ma, mb := a.(map[string]any), b.(map[string]any)
			if job == "" && ma["job_ext_id"] == mb["job_ext_id"] && ma["ext_id"] != mb["ext_id"] && ma["stage_ext_id"] == mb["stage_ext_id"] {
				job, stage, mover = ma["job_ext_id"].(string), ma["stage_ext_id"].(string), mb["ext_id"].(string)
			}
		}
	}
	if job == "" {
		t.Fatal("the fake's seed has no job with two active applications; change the seed")
	}
	for _, p := range s.admin.mustStatus(200, "GET", s.ws("/positions?limit=100"), nil).json(t)["positions"].([]any) {
		if p.(map[string]any)["ext_id"] == job {
			for _, st := range p.(map[string]any)["stages"].([]any) {
				if id := st.(map[string]any)["ext_id"].(string); id != stage && moverStage == "" {
					moverStage = id
				}
			}
		}
	}
	s.fake.MoveApplication(mover, moverStage)
	s.syncNow(t, false)
	var pid int64
	for _, p := range s.admin.mustStatus(200, "GET", s.ws("/positions?limit=100"), nil).json(t)["positions"].([]any) {
		if p.(map[string]any)["ext_id"] == job {
			pid = int64(p.(map[string]any)["id"].(float64))
		}
	}
	id := int64(s.admin.mustStatus(201, "POST", s.ws("/interviews"), map[string]any{"position_id": pid, "stage_ext_id": stage,
		"questions": []map[string]any{{"type": "text", "prompt": "Why us?"}}}).json(t)["interview"].(map[string]any)["id"].(float64))
	before := int(s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/publish", id)), nil).json(t)["invited"].(float64))
	if got := len(s.mp.WaitFor(t, before, 15*time.Second)); got != before || before == 0 {
		t.Fatalf("publish emails: %d, want %d", got, before)
	}

	s.fake.MoveApplication(mover, stage)
	// Tick, webhook-style consume and a concurrent tick race: one invitation.
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.a.watch.Tick(id) }()
	}
	wg.Wait()
	s.a.watch.ConsumeConnection(context.Background(), s.cid)
	msgs := s.mp.WaitFor(t, before+1, 15*time.Second)
	time.Sleep(500 * time.Millisecond)
	if n := len(s.mp.Messages(t)); n != before+1 || len(msgs) != before+1 {
		t.Fatalf("emails: %d, want %d", n, before+1)
	}
	got := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d", id)), nil).json(t)
	wd := got["watchdog"].(map[string]any)
	if wd["scheduled"] != true || wd["last_tick_at"] == nil || !strings.Contains(wd["last_result"].(string), "invited") {
		t.Fatalf("watchdog status: %v", wd)
	}
	// Leaving and re-entering the stage does not invite again.
	s.fake.MoveApplication(mover, moverStage)
	s.a.watch.Tick(id)
	s.fake.MoveApplication(mover, stage)
	s.a.watch.Tick(id)
	time.Sleep(500 * time.Millisecond)
	if n := len(s.mp.Messages(t)); n != before+1 {
		t.Fatalf("re-entry invited again: %d emails", n)
	}
	// Pause removes the watchdog; resume restores it.
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/pause", id)), nil)
	if wd := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d", id)), nil).json(t)["watchdog"].(map[string]any); wd["scheduled"] != false {
		t.Fatalf("paused watchdog still scheduled: %v", wd)
	}
	s.admin.mustStatus(200, "POST", s.ws(fmt.Sprintf("/interviews/%d/resume", id)), nil)
	if wd := s.admin.mustStatus(200, "GET", s.ws(fmt.Sprintf("/interviews/%d", id)), nil).json(t)["watchdog"].(map[string]any); wd["scheduled"] != true {
		t.Fatalf("resumed watchdog not scheduled: %v", wd)
	}
}
