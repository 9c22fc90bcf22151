// Package writeback is the ATS write-back outbox: it performs the writes
// that results and decisions queued (result link, note, PDF, stage move,
// rejection, tag) exactly once per idempotency key. A write whose outcome
// was lost (a timeout after the request left) is looked up in the ATS
// before any second attempt, so the ATS never gets it twice.
package writeback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Payload is the JSON stored with each ATS write.
type Payload struct {
	ApplicationID string   `json:"application_id"`
	CandidateID   string   `json:"candidate_id"`
	URL           string   `json:"url,omitempty"`
	Label         string   `json:"label,omitempty"`
	Score         *float64 `json:"score,omitempty"`
	Body          string   `json:"body,omitempty"`
	StageID       string   `json:"stage_id,omitempty"`
	ReasonID      string   `json:"reason_id,omitempty"`
	Tag           string   `json:"tag,omitempty"`
	ResultID      int64    `json:"result_id"`
}

// NewWrite is a write to queue for a result; key makes it happen once.
func NewWrite(connectionID, resultID int64, action ats.WriteAction, key string, p Payload) store.NewATSWrite {
	b, _ := json.Marshal(p)
	return store.NewATSWrite{ConnectionID: connectionID, ResultID: resultID, Action: string(action),
		IdempotencyKey: fmt.Sprintf("result:%d:%s", resultID, key), Payload: string(b)}
}

// ScoreText is a score as the ATS shows it.
func ScoreText(v *float64) string {
	if v == nil {
		return "not scored (a person reviews it)"
	}
	return strconv.FormatFloat(*v, 'f', 0, 64) + "/100"
}

// Caps returns a connection's capabilities through its connector.
func (w *Writer) Caps(ctx context.Context, connID int64) (ats.Capabilities, error) {
	c, err := w.d.Store.ConnectionByID(ctx, connID)
	if err != nil {
		return ats.Capabilities{}, err
	}
	conn, err := w.Connector(c)
	if err != nil {
		return ats.Capabilities{}, err
	}
	return conn.Capabilities(ctx)
}

// Connections builds connectors; the connection service does.
type Connections interface {
	Connector(c *store.Connection) (ats.Connector, error)
}

// Syncer re-reads applications to check a move or rejection landed.
type Syncer interface {
	Run(ctx context.Context, c *store.Connection, req syncer.Request) error
}

// Deps are what the writer needs.
type Deps struct {
	Store       *store.Store
	Log         *slog.Logger
	Connections Connections
	Sync        Syncer
	Now         func() time.Time
	// Backoff is the wait before retry attempt n (queue.Backoff).
	Backoff func(attempt int) time.Duration
	// ReportURL is a signed link to a result's PDF, for an ATS that pulls
	// attachments from a URL.
	ReportURL func(resultID int64) string
}

// Writer executes the write-back outbox.
type Writer struct {
	d     Deps
	wake  queue.Waker
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[int64]cachedConnector // one connector (and so one rate limiter) per connection
}

type cachedConnector struct {
	updated time.Time
	conn    ats.Connector
}

// New builds the writer.
func New(d Deps) *Writer {
	return &Writer{d: d, wake: queue.NewWaker(), conns: map[int64]cachedConnector{}}
}

// Wake makes the worker look at the outbox now.
func (w *Writer) Wake() { w.wake.Wake() }

// Connector is the connection's cached connector, rebuilt when the
// connection's settings changed.
func (w *Writer) Connector(c *store.Connection) (ats.Connector, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if cc, ok := w.conns[c.ID]; ok && cc.updated.Equal(c.UpdatedAt) {
		return cc.conn, nil
	}
	conn, err := w.d.Connections.Connector(c)
	if err != nil {
		return nil, err
	}
	w.conns[c.ID] = cachedConnector{updated: c.UpdatedAt, conn: conn}
	return conn, nil
}

// Run performs due writes until ctx ends.
func (w *Writer) Run(ctx context.Context) { queue.Loop(ctx, w.wake, 10*time.Second, w.drain) }

// Start runs the worker in the background until ctx ends; Wait waits for it.
func (w *Writer) Start(ctx context.Context) { queue.Go(&w.wg, func() { w.Run(ctx) }) }

// Wait blocks until the worker started by Start has stopped.
func (w *Writer) Wait() { w.wg.Wait() }

func (w *Writer) drain(ctx context.Context) {
	for ctx.Err() == nil {
		ws, err := w.d.Store.ClaimATSWrites(ctx, 20)
		if err != nil {
			w.d.Log.Error("Unable to read the ATS write outbox", slog.Any("error", err))
			return
		}
		if len(ws) == 0 {
			return
		}
		for _, wr := range ws {
			w.execute(ctx, wr)
		}
	}
}

// execute performs one write. The outcome decides the row's next state:
// done; failed (the ATS refused: a person sees the vendor's message and
// can retry); queued (transient, retried with backoff: rate limited, ATS
// down); unknown (the request may have reached the ATS: checked before
// any second attempt).
func (w *Writer) execute(ctx context.Context, wr store.ATSWrite) {
	audit := store.AuditEntry{WorkspaceID: wr.WorkspaceID, Action: "ats_write." + wr.Action, Subject: fmt.Sprintf("result %d", derefID(wr.ResultID)),
		Detail: wr.IdempotencyKey}
	finish := func(status, msg, remote string, next time.Time) {
		audit.Outcome = status
		if msg != "" {
			audit.Outcome += ": " + msg
		}
		if err := w.d.Store.FinishATSWrite(context.WithoutCancel(ctx), wr.ID, status, msg, remote, next, &audit); err != nil {
			w.d.Log.Error("Unable to record an ATS write", slog.Int64("write_id", wr.ID), slog.Any("error", err))
		}
	}
	c, err := w.d.Store.ConnectionByID(ctx, wr.ConnectionID)
	if err != nil {
		finish("failed", "the ATS connection no longer exists", "", w.d.Now())
		return
	}
	conn, err := w.Connector(c)
	if err != nil {
		finish("queued", err.Error(), "", w.d.Now().Add(w.d.Backoff(wr.Attempts)))
		return
	}
	var p Payload
	if err := json.Unmarshal([]byte(wr.Payload), &p); err != nil {
		finish("failed", "damaged payload: "+err.Error(), "", w.d.Now())
		return
	}
	if wr.Status == "unknown" {
		// A previous attempt may have landed. Only write again when the
		// ATS shows it did not.
		landed, known, cerr := w.checkLanded(ctx, c, conn, wr, p)
		switch {
		case landed:
			finish("done", "", "", w.d.Now())
			return
		case cerr != nil && ats.IsTransient(cerr):
			finish("unknown", "checking the ATS failed: "+cerr.Error(), "", w.d.Now().Add(w.d.Backoff(wr.Attempts)))
			return
		case !known:
			msg := "the previous attempt's outcome is unknown and this ATS cannot be checked for it; look in the ATS, then retry if it is missing"
			if cerr != nil {
				msg += " (" + cerr.Error() + ")"
			}
			finish("failed", msg, "", w.d.Now())
			return
		}
	}
	res, err := w.Perform(ctx, c, conn, wr, p)
	switch {
	case err == nil:
		w.d.Log.Info("ATS write done", slog.Int64("write_id", wr.ID), slog.String("action", wr.Action))
		finish("done", "", res.RemoteID, w.d.Now())
	case errors.Is(err, ats.ErrUnsupported):
		finish("skipped", err.Error(), "", w.d.Now())
	case isMaybeSent(err):
		finish("unknown", err.Error(), "", w.d.Now().Add(w.d.Backoff(wr.Attempts)))
	case ats.IsTransient(err):
		next := w.d.Now().Add(w.d.Backoff(wr.Attempts))
		if d, ok := ats.RetryAfter(err); ok && d > 0 {
			next = w.d.Now().Add(d)
		}
		finish("queued", err.Error(), "", next)
	default:
		msg := err.Error()
		if vm := ats.VendorMessage(err); vm != "" && !strings.Contains(msg, vm) {
			msg += ": " + vm
		}
		w.d.Log.Warn("ATS refused a write", slog.Int64("write_id", wr.ID), slog.String("action", wr.Action), slog.String("error", msg))
		finish("failed", msg, "", w.d.Now())
	}
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// isMaybeSent tells errors after which the ATS may have done the write:
// a timeout or a dropped connection once the request was on its way.
func isMaybeSent(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"timeout", "deadline exceeded", "eof", "connection reset", "broken pipe"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Perform sends one write to the ATS.
func (w *Writer) Perform(ctx context.Context, c *store.Connection, conn ats.Connector, wr store.ATSWrite, p Payload) (ats.WriteResult, error) {
	switch ats.WriteAction(wr.Action) {
	case ats.ActionResultLink:
		return conn.AddResultLink(ctx, ats.ResultLink{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Label: p.Label, URL: p.URL,
			Attributes: []ats.KeyValue{{Key: "Score", Value: ScoreText(p.Score)}}, AttributePrefix: "hireloop:"})
	case ats.ActionNote:
		return conn.AddNote(ctx, ats.Note{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Body: p.Body})
	case ats.ActionAttachment:
		r, err := w.d.Store.ResultForWorker(ctx, p.ResultID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		att := ats.Attachment{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Name: AttachmentName(p.ResultID),
			ContentType: "application/pdf", Kind: ats.AttachmentOther}
		if caps, err := conn.Capabilities(ctx); err == nil && caps.Writes[ats.ActionAttachment].Transport == ats.TransportURLPull {
			att.URL = w.d.ReportURL(p.ResultID) // the ATS fetches it
		} else {
			data, err := os.ReadFile(r.ReportPath)
			if err != nil {
				return ats.WriteResult{}, fmt.Errorf("report not available: %w", err)
			}
			att.Data = data
		}
		return conn.AddAttachment(ctx, att)
	case ats.ActionMoveStage:
		from := ""
		if app, err := w.d.Store.ApplicationStage(ctx, c.ID, p.ApplicationID); err == nil {
			if app == p.StageID {
				return ats.WriteResult{}, nil // already there
			}
			from = app
		}
		return conn.MoveToStage(ctx, ats.StageMove{ApplicationID: p.ApplicationID, FromStageID: from, ToStageID: p.StageID})
	case ats.ActionReject:
		return conn.Reject(ctx, ats.Rejection{ApplicationID: p.ApplicationID, ReasonID: p.ReasonID})
	case ats.ActionAddTag:
		// Use the ATS's existing tag when it has one by that name; the
		// connector creates it otherwise (where the ATS allows).
		tagID, _ := w.d.Store.TagIDByName(ctx, c.ID, p.Tag)
		return conn.AddTag(ctx, ats.TagAssignment{CandidateID: p.CandidateID, TagID: tagID, Name: p.Tag})
	}
	return ats.WriteResult{}, fmt.Errorf("unknown action %q", wr.Action)
}

// checkLanded looks in the ATS for a write whose outcome is unknown.
// Stage moves and rejections are read back from the application; adding a
// tag is idempotent in every ATS; notes, links and files need a vendor
// lookup, which connectors offer through ats.WriteChecker.
func (w *Writer) checkLanded(ctx context.Context, c *store.Connection, conn ats.Connector, wr store.ATSWrite, p Payload) (landed, known bool, err error) {
	switch ats.WriteAction(wr.Action) {
	case ats.ActionMoveStage, ats.ActionReject:
		_ = w.d.Sync.Run(ctx, c, syncer.Request{Trigger: "write-check", Models: []ats.Model{ats.ModelApplications}})
		stage, status, err := w.d.Store.ApplicationState(ctx, c.ID, p.ApplicationID)
		if err != nil {
			return false, false, err
		}
		if wr.Action == string(ats.ActionReject) {
			return status == string(ats.ApplicationRejected), true, nil
		}
		return stage == p.StageID, true, nil
	case ats.ActionAddTag:
		return false, true, nil // adding the same tag again changes nothing
	}
	if chk, ok := conn.(ats.WriteChecker); ok {
		marker := fmt.Sprintf("hireloop result %d", p.ResultID) // in every note
		if wr.Action == string(ats.ActionAttachment) {
			marker = AttachmentName(p.ResultID)
		}
		found, err := chk.HasWrite(ctx, ats.WriteAction(wr.Action), p.CandidateID, p.ApplicationID, marker)
		if err != nil {
			return false, false, err
		}
		return found, true, nil
	}
	return false, false, nil
}

// AttachmentName is the PDF's file name in the ATS; it identifies the
// result, so an attachment whose upload outcome was lost can be found.
func AttachmentName(resultID int64) string { return fmt.Sprintf("hireloop-interview-%d.pdf", resultID) }
