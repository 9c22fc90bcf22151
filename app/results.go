package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/app/report"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// The results pipeline. A submission creates its result in status
// 'scoring' in the same transaction (store.SubmitInvitation). The scoring
// worker then, for each due result: transcribes recordings when a
// transcription endpoint is set, scores (LLM when configured, else the
// built-in scorer), renders the PDF report, and queues the follow-up ATS
// writes (result link, note, PDF, completed-stage move, score tag) with
// idempotency keys. Every step can fail and be retried: a scorer error
// leaves the result in 'scoring' for the next attempt, never a zero score.

const (
	scoringLease  = 5 * time.Minute
	purposeLLMKey = "llm-key"
	purposeSTTKey = "transcribe-key"
)

type resultsWorker struct {
	a      *App
	wakeCh chan struct{}
	// scorerFor and transcriberFor build a workspace's scorer; tests may
	// replace them.
	scorerFor      func(ctx context.Context, ws int64) (scoring.Scorer, error)
	transcriberFor func(ctx context.Context, ws int64) (scoring.Transcriber, error)
}

func newResultsWorker(a *App) *resultsWorker {
	w := &resultsWorker{a: a, wakeCh: make(chan struct{}, 1)}
	w.scorerFor, w.transcriberFor = w.configuredScorer, w.configuredTranscriber
	return w
}

func (w *resultsWorker) wake() {
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

func (w *resultsWorker) configuredScorer(ctx context.Context, ws int64) (scoring.Scorer, error) {
	s, err := w.a.store.AISettings(ctx, ws)
	if err != nil {
		return nil, err
	}
	if s.LLMBaseURL == "" || s.LLMModel == "" {
		return scoring.NewBuiltin(), nil
	}
	key, err := w.a.unseal(purposeLLMKey, s.LLMKey)
	if err != nil {
		return nil, err
	}
	return scoring.NewLLM(scoring.LLMConfig{BaseURL: s.LLMBaseURL, APIKey: string(key), Model: s.LLMModel, Timeout: 2 * time.Minute})
}

func (w *resultsWorker) configuredTranscriber(ctx context.Context, ws int64) (scoring.Transcriber, error) {
	s, err := w.a.store.AISettings(ctx, ws)
	if err != nil || s.TranscribeBaseURL == "" {
		return nil, err
	}
	key, err := w.a.unseal(purposeSTTKey, s.TranscribeKey)
	if err != nil {
		return nil, err
	}
	return scoring.NewTranscriber(scoring.TranscriberConfig{BaseURL: s.TranscribeBaseURL, APIKey: string(key), Model: s.TranscribeModel,
		Timeout: 5 * time.Minute})
}

// run scores and follows up until ctx ends.
func (w *resultsWorker) run(ctx context.Context) { pollLoop(ctx, w.wakeCh, 10*time.Second, w.drain) }

func (w *resultsWorker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		rs, err := w.a.store.ClaimScoring(ctx, 10, scoringLease)
		if err != nil {
			w.a.log.Error("Unable to read results to score", slog.Any("error", err))
			return
		}
		for _, r := range rs {
			if err := w.score(ctx, &r); err != nil {
				retry := w.a.now().Add(w.a.backoff(r.Attempts))
				w.a.log.Warn("Scoring failed; will retry", slog.Int64("result_id", r.ID), slog.Int("attempt", r.Attempts+1),
					slog.Time("retry_at", retry), slog.String("error", err.Error()))
				_ = w.a.store.ScoringFailed(context.WithoutCancel(ctx), r.ID, err.Error(), retry)
			}
		}
		// Scored results whose follow-up is not queued yet (also after a crash).
		pend, err := w.a.store.ScoredWithoutFollowup(ctx, 50)
		if err != nil {
			return
		}
		for _, r := range pend {
			if err := w.followUp(ctx, &r); err != nil {
				w.a.log.Warn("Follow-up not queued; will retry", slog.Int64("result_id", r.ID), slog.Any("error", err))
			}
		}
		if len(rs) == 0 {
			return
		}
	}
}

// scoringInput builds the scorer's input from the stored interview.
func scoringInput(iv *store.Interview, answers []store.Answer) scoring.Input {
	in := scoring.Input{InterviewName: iv.Name, JobDescription: iv.JobDescription, Language: iv.Language}
	for _, q := range iv.Questions {
		sq := scoring.Question{ID: q.ID, Type: q.Type, Prompt: q.Prompt, Options: q.Options, Required: q.Required, Weight: 1}
		var crit []rubricCriterion
		_ = json.Unmarshal(q.Rubric, &crit)
		for _, c := range crit {
			sq.Rubric = append(sq.Rubric, scoring.Criterion{Name: c.Name, Weight: c.Weight, Strong: c.Strong})
		}
		if len(q.Knockout) > 0 {
			var k knockoutRule
			if json.Unmarshal(q.Knockout, &k) == nil {
				sq.Knockout = &scoring.Knockout{Values: k.Values, Min: k.Min, Max: k.Max, Reason: k.Reason}
			}
		}
		in.Questions = append(in.Questions, sq)
	}
	for _, a := range answers {
		in.Answers = append(in.Answers, scoring.Answer{QuestionID: a.QuestionID, Value: a.Value, Transcript: a.Transcript, HasMedia: a.MediaPath != ""})
	}
	return in
}

func (w *resultsWorker) score(ctx context.Context, r *store.Result) error {
	inv, err := w.a.store.InvitationByID(ctx, r.InvitationID)
	if err != nil {
		return err
	}
	iv, err := w.a.store.InterviewByID(ctx, r.InterviewID)
	if err != nil {
		return err
	}
	answers, err := w.a.store.Answers(ctx, inv.ID)
	if err != nil {
		return err
	}
	// Transcribe recordings first, when an endpoint is configured.
	if tr, err := w.transcriberFor(ctx, r.WorkspaceID); err != nil {
		return fmt.Errorf("transcription settings: %w", err)
	} else if tr != nil {
		for i, an := range answers {
			if an.MediaPath == "" || an.Transcript != "" {
				continue
			}
			f, err := os.Open(an.MediaPath)
			if err != nil {
				return fmt.Errorf("recording of question %d: %w", an.QuestionID, err)
			}
			text, err := tr.Transcribe(ctx, filepath.Base(an.MediaPath), an.MediaType, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("transcribing question %d: %w", an.QuestionID, err)
			}
			if err := w.a.store.SetTranscript(ctx, inv.ID, an.QuestionID, text); err != nil {
				return err
			}
			answers[i].Transcript = text
		}
	}
	sc, err := w.scorerFor(ctx, r.WorkspaceID)
	if err != nil {
		return err
	}
	res, err := sc.Score(ctx, scoringInput(iv, answers))
	if err != nil {
		return err
	}
	details, _ := json.Marshal(res.Questions)
	flags, _ := json.Marshal(nonNil(res.Flags))
	raw, _ := json.Marshal(nonNil(res.Raw))
	saved, err := w.a.store.SaveScore(ctx, r.ID, store.ScoredResult{Overall: res.Overall, Scorer: res.Scorer, Model: res.Model,
		PromptVersion: res.PromptVersion, Rubric: res.RubricVersion, Details: details, Flags: flags, Raw: raw})
	if err != nil || !saved {
		return err
	}
	w.a.log.Info("Interview scored", slog.Int64("result_id", r.ID), slog.String("scorer", res.Scorer), slog.String("model", res.Model))
	fresh, err := w.a.store.ResultForWorker(ctx, r.ID)
	if err != nil {
		return err
	}
	if err := w.renderReport(ctx, fresh); err != nil {
		// The score is kept; the report is rendered again by the follow-up.
		w.a.log.Warn("Report not rendered yet", slog.Int64("result_id", r.ID), slog.Any("error", err))
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// reportPath is where a result's PDF lives.
func (a *App) reportPath(r *store.Result) string {
	return filepath.Join(a.cfg.DataDir, "reports", strconv.FormatInt(r.WorkspaceID, 10), fmt.Sprintf("result-%d.pdf", r.ID))
}

// resultsURL is the stable console link to a result.
func (a *App) resultsURL(r *store.Result) string {
	return fmt.Sprintf("%s/w/%d/results/%d", a.cfg.BaseURL, r.WorkspaceID, r.ID)
}

// buildReport assembles the PDF's content from the stored result.
func (a *App) buildReport(ctx context.Context, r *store.Result) (report.Report, error) {
	inv, err := a.store.InvitationByID(ctx, r.InvitationID)
	if err != nil {
		return report.Report{}, err
	}
	iv, err := a.store.InterviewByID(ctx, r.InterviewID)
	if err != nil {
		return report.Report{}, err
	}
	answers, err := a.store.Answers(ctx, inv.ID)
	if err != nil {
		return report.Report{}, err
	}
	overrides, err := a.store.Overrides(ctx, r.ID)
	if err != nil {
		return report.Report{}, err
	}
	b, _, err := a.store.WorkspaceBranding(ctx, r.WorkspaceID)
	if err != nil {
		return report.Report{}, err
	}
	var qres []scoring.QuestionResult
	_ = json.Unmarshal(r.Details, &qres)
	byQ := map[int64]scoring.QuestionResult{}
	for _, q := range qres {
		byQ[q.QuestionID] = q
	}
	byA := map[int64]store.Answer{}
	for _, an := range answers {
		byA[an.QuestionID] = an
	}
	latest := map[int64]store.Override{}
	for _, o := range overrides {
		latest[o.QuestionID] = o
	}
	rep := report.Report{
		Branding:      report.Branding{CompanyName: b.CompanyName, Color: b.BrandColor},
		CandidateName: strings.TrimSpace(inv.FirstName + " " + inv.LastName), CandidateEmail: inv.Email,
		Position: iv.Name, InterviewName: iv.Name, Overall: r.Overall, Scorer: r.Scorer, Model: r.Model, PromptVersion: r.PromptVersion,
		ResultsURL: a.resultsURL(r), GeneratedAt: a.now(),
	}
	if o, ok := latest[0]; ok {
		v := o.Score
		rep.Overall = &v
		rep.Flags = append(rep.Flags, fmt.Sprintf("Overall score set by a person to %.0f (the assessment said %s): %s", o.Score, fmtScore(o.Original), o.Reason))
	}
	if inv.SubmittedAt != nil {
		rep.SubmittedAt = *inv.SubmittedAt
		if inv.StartedAt != nil {
			rep.TimeTaken = inv.SubmittedAt.Sub(*inv.StartedAt)
		}
	}
	var flags []scoring.Flag
	_ = json.Unmarshal(r.Flags, &flags)
	for _, f := range flags {
		rep.Flags = append(rep.Flags, f.Message)
	}
	for _, q := range iv.Questions {
		an, qr := byA[q.ID], byQ[q.ID]
		rq := report.Question{Position: q.Position, Prompt: q.Prompt, Type: q.Type, Answer: displayAnswer(q, an), Score: qr.Score, Rationale: qr.Rationale}
		if an.MediaPath != "" {
			if an.Transcript != "" {
				rq.MediaNote = "Recorded answer, transcribed: " + an.Transcript
			} else {
				rq.MediaNote = "Recorded answer, not transcribed: a person reviews it; it is not part of the score."
			}
		}
		for _, c := range qr.Criteria {
			rq.Criteria = append(rq.Criteria, report.Criterion{Name: c.Name, Met: c.Met, Evidence: c.Evidence})
		}
		for _, f := range qr.Flags {
			rq.Flags = append(rq.Flags, f.Message)
		}
		if an.LateS > 0 {
			rq.Flags = append(rq.Flags, fmt.Sprintf("Last saved %s after the question's %s time limit (a 10-second grace included). The answer is kept; a person weighs it.",
				spanLabel(an.LateS), spanLabel(int64(q.TimeLimitS))))
		}
		if o, ok := latest[q.ID]; ok {
			v := o.Score
			rq.Overridden, rq.OverrideReason = &v, o.Reason
		}
		rep.Questions = append(rep.Questions, rq)
	}
	return rep, nil
}

func fmtScore(v *float64) string {
	if v == nil {
		return "no score"
	}
	return strconv.FormatFloat(*v, 'f', 0, 64)
}

func displayAnswer(q store.Question, an store.Answer) string {
	if q.Type == "multi_choice" {
		var vs []string
		if json.Unmarshal([]byte(an.Value), &vs) == nil {
			return strings.Join(vs, ", ")
		}
	}
	return an.Value
}

// renderReport renders and stores the PDF (atomically: temp file + rename).
func (w *resultsWorker) renderReport(ctx context.Context, r *store.Result) error {
	rep, err := w.a.buildReport(ctx, r)
	if err != nil {
		return err
	}
	pdf, err := report.Render(rep)
	if err != nil {
		return err
	}
	path := w.a.reportPath(r)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pdf, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return w.a.store.SetReportPath(ctx, r.ID, path)
}

// writePayload is the JSON stored with each ATS write.
type writePayload struct {
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

func scoreText(v *float64) string {
	if v == nil {
		return "not scored (a person reviews it)"
	}
	return strconv.FormatFloat(*v, 'f', 0, 64) + "/100"
}

// followUp queues what a scored result sends to the ATS, once: the
// idempotency keys make a second call a no-op, and the result is marked
// followed-up in the same transaction.
func (w *resultsWorker) followUp(ctx context.Context, r *store.Result) error {
	if r.ReportPath == "" {
		if err := w.renderReport(ctx, r); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		r.ReportPath = w.a.reportPath(r)
	}
	iv, err := w.a.store.InterviewByID(ctx, r.InterviewID)
	if err != nil {
		return err
	}
	inv, err := w.a.store.InvitationByID(ctx, r.InvitationID)
	if err != nil {
		return err
	}
	var writes []store.NewATSWrite
	if iv.SyncResults && iv.ConnectionID != nil {
		opts, err := w.a.store.WorkspaceWriteOptions(ctx, r.WorkspaceID)
		if err != nil {
			return err
		}
		caps, err := w.a.capsFor(ctx, *iv.ConnectionID)
		if err != nil {
			return err
		}
		base := writePayload{ApplicationID: inv.ApplicationExtID, CandidateID: inv.CandidateExtID, ResultID: r.ID, Score: r.Overall}
		link := w.a.resultsURL(r)
		add := func(action string, p writePayload) {
			b, _ := json.Marshal(p)
			writes = append(writes, store.NewATSWrite{ConnectionID: *iv.ConnectionID, ResultID: r.ID, Action: action,
				IdempotencyKey: fmt.Sprintf("result:%d:%s", r.ID, action), Payload: string(b)})
		}
		scorer := "hireloop's built-in rubric-coverage scorer (no AI)"
		if r.Scorer == "llm" {
			scorer = "an AI model (" + r.Model + ", prompt " + r.PromptVersion + ")"
		}
		summary := fmt.Sprintf("hireloop interview %q: score %s, assessed with %s. A person makes every decision. Results: %s [hireloop result %d]",
			iv.Name, scoreText(r.Overall), scorer, link, r.ID)
		if opts.ResultLink && caps.Supports(ats.ActionResultLink) {
			p := base
			p.URL, p.Label = link, "hireloop interview: "+scoreText(r.Overall)
			add(string(ats.ActionResultLink), p)
		}
		// Where the ATS has no result links, the note carries the link.
		if opts.Note && caps.Supports(ats.ActionNote) || opts.ResultLink && !caps.Supports(ats.ActionResultLink) && caps.Supports(ats.ActionNote) {
			p := base
			p.Body = summary
			add(string(ats.ActionNote), p)
		}
		if opts.Attachment && caps.Supports(ats.ActionAttachment) {
			add(string(ats.ActionAttachment), base)
		}
		if iv.CompletedStageExtID != "" && caps.Supports(ats.ActionMoveStage) {
			p := base
			p.StageID = iv.CompletedStageExtID
			b, _ := json.Marshal(p)
			writes = append(writes, store.NewATSWrite{ConnectionID: *iv.ConnectionID, ResultID: r.ID, Action: string(ats.ActionMoveStage),
				IdempotencyKey: fmt.Sprintf("result:%d:move_completed", r.ID), Payload: string(b)})
		}
		if iv.TagScoreName != "" && r.Overall != nil && *r.Overall >= iv.TagScoreThreshold && caps.Supports(ats.ActionAddTag) {
			p := base
			p.Tag = iv.TagScoreName
			b, _ := json.Marshal(p)
			writes = append(writes, store.NewATSWrite{ConnectionID: *iv.ConnectionID, ResultID: r.ID, Action: string(ats.ActionAddTag),
				IdempotencyKey: fmt.Sprintf("result:%d:tag_score", r.ID), Payload: string(b)})
		}
	}
	n, err := w.a.store.QueueATSWrites(ctx, r.WorkspaceID, writes, r.ID, nil)
	if err != nil {
		return err
	}
	if n > 0 {
		w.a.atsWriter.wake()
	}
	return nil
}

// capsFor returns a connection's capabilities through its connector.
func (a *App) capsFor(ctx context.Context, connID int64) (ats.Capabilities, error) {
	c, err := a.store.ConnectionByID(ctx, connID)
	if err != nil {
		return ats.Capabilities{}, err
	}
	conn, err := a.atsWriter.connector(c)
	if err != nil {
		return ats.Capabilities{}, err
	}
	return conn.Capabilities(ctx)
}

// atsWriter executes the write-back outbox.
type atsWriter struct {
	a      *App
	wakeCh chan struct{}
	mu     sync.Mutex
	conns  map[int64]cachedConnector // one connector (and so one rate limiter) per connection
}

type cachedConnector struct {
	updated time.Time
	conn    ats.Connector
}

func newATSWriter(a *App) *atsWriter {
	return &atsWriter{a: a, wakeCh: make(chan struct{}, 1), conns: map[int64]cachedConnector{}}
}

func (w *atsWriter) wake() {
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

func (w *atsWriter) connector(c *store.Connection) (ats.Connector, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if cc, ok := w.conns[c.ID]; ok && cc.updated.Equal(c.UpdatedAt) {
		return cc.conn, nil
	}
	conn, err := w.a.connectorFor(c)
	if err != nil {
		return nil, err
	}
	w.conns[c.ID] = cachedConnector{updated: c.UpdatedAt, conn: conn}
	return conn, nil
}

func (w *atsWriter) run(ctx context.Context) { pollLoop(ctx, w.wakeCh, 10*time.Second, w.drain) }

func (w *atsWriter) drain(ctx context.Context) {
	for ctx.Err() == nil {
		ws, err := w.a.store.ClaimATSWrites(ctx, 20)
		if err != nil {
			w.a.log.Error("Unable to read the ATS write outbox", slog.Any("error", err))
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
func (w *atsWriter) execute(ctx context.Context, wr store.ATSWrite) {
	audit := store.AuditEntry{WorkspaceID: wr.WorkspaceID, Action: "ats_write." + wr.Action, Subject: fmt.Sprintf("result %d", derefID(wr.ResultID)),
		Detail: wr.IdempotencyKey}
	finish := func(status, msg, remote string, next time.Time) {
		audit.Outcome = status
		if msg != "" {
			audit.Outcome += ": " + msg
		}
		if err := w.a.store.FinishATSWrite(context.WithoutCancel(ctx), wr.ID, status, msg, remote, next, &audit); err != nil {
			w.a.log.Error("Unable to record an ATS write", slog.Int64("write_id", wr.ID), slog.Any("error", err))
		}
	}
	c, err := w.a.store.ConnectionByID(ctx, wr.ConnectionID)
	if err != nil {
		finish("failed", "the ATS connection no longer exists", "", w.a.now())
		return
	}
	conn, err := w.connector(c)
	if err != nil {
		finish("queued", err.Error(), "", w.a.now().Add(w.a.backoff(wr.Attempts)))
		return
	}
	var p writePayload
	if err := json.Unmarshal([]byte(wr.Payload), &p); err != nil {
		finish("failed", "damaged payload: "+err.Error(), "", w.a.now())
		return
	}
	if wr.Status == "unknown" {
		// A previous attempt may have landed. Only write again when the
		// ATS shows it did not.
		landed, known, cerr := w.checkLanded(ctx, c, conn, wr, p)
		switch {
		case landed:
			finish("done", "", "", w.a.now())
			return
		case cerr != nil && ats.IsTransient(cerr):
			finish("unknown", "checking the ATS failed: "+cerr.Error(), "", w.a.now().Add(w.a.backoff(wr.Attempts)))
			return
		case !known:
			msg := "the previous attempt's outcome is unknown and this ATS cannot be checked for it; look in the ATS, then retry if it is missing"
			if cerr != nil {
				msg += " (" + cerr.Error() + ")"
			}
			finish("failed", msg, "", w.a.now())
			return
		}
	}
	res, err := w.perform(ctx, c, conn, wr, p)
	switch {
	case err == nil:
		w.a.log.Info("ATS write done", slog.Int64("write_id", wr.ID), slog.String("action", wr.Action))
		finish("done", "", res.RemoteID, w.a.now())
	case errors.Is(err, ats.ErrUnsupported):
		finish("skipped", err.Error(), "", w.a.now())
	case isMaybeSent(err):
		finish("unknown", err.Error(), "", w.a.now().Add(w.a.backoff(wr.Attempts)))
	case ats.IsTransient(err):
		next := w.a.now().Add(w.a.backoff(wr.Attempts))
		if d, ok := ats.RetryAfter(err); ok && d > 0 {
			next = w.a.now().Add(d)
		}
		finish("queued", err.Error(), "", next)
	default:
		msg := err.Error()
		if vm := ats.VendorMessage(err); vm != "" && !strings.Contains(msg, vm) {
			msg += ": " + vm
		}
		w.a.log.Warn("ATS refused a write", slog.Int64("write_id", wr.ID), slog.String("action", wr.Action), slog.String("error", msg))
		finish("failed", msg, "", w.a.now())
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

func (w *atsWriter) perform(ctx context.Context, c *store.Connection, conn ats.Connector, wr store.ATSWrite, p writePayload) (ats.WriteResult, error) {
	switch ats.WriteAction(wr.Action) {
	case ats.ActionResultLink:
		return conn.AddResultLink(ctx, ats.ResultLink{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Label: p.Label, URL: p.URL,
			Attributes: []ats.KeyValue{{Key: "Score", Value: scoreText(p.Score)}}, AttributePrefix: "hireloop:"})
	case ats.ActionNote:
		return conn.AddNote(ctx, ats.Note{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Body: p.Body})
	case ats.ActionAttachment:
		r, err := w.a.store.ResultForWorker(ctx, p.ResultID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		att := ats.Attachment{ApplicationID: p.ApplicationID, CandidateID: p.CandidateID, Name: attachmentName(p.ResultID),
			ContentType: "application/pdf", Kind: ats.AttachmentOther}
		if caps, err := conn.Capabilities(ctx); err == nil && caps.Writes[ats.ActionAttachment].Transport == ats.TransportURLPull {
			att.URL = w.a.signedReportURL(p.ResultID, reportURLTTL) // the ATS fetches it
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
		if app, err := w.a.store.ApplicationStage(ctx, c.ID, p.ApplicationID); err == nil {
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
		tagID, _ := w.a.store.TagIDByName(ctx, c.ID, p.Tag)
		return conn.AddTag(ctx, ats.TagAssignment{CandidateID: p.CandidateID, TagID: tagID, Name: p.Tag})
	}
	return ats.WriteResult{}, fmt.Errorf("unknown action %q", wr.Action)
}

// checkLanded looks in the ATS for a write whose outcome is unknown.
// Stage moves and rejections are read back from the application; adding a
// tag is idempotent in every ATS; notes, links and files need a vendor
// lookup, which connectors offer through ats.WriteChecker.
func (w *atsWriter) checkLanded(ctx context.Context, c *store.Connection, conn ats.Connector, wr store.ATSWrite, p writePayload) (landed, known bool, err error) {
	switch ats.WriteAction(wr.Action) {
	case ats.ActionMoveStage, ats.ActionReject:
		req := SyncRequest{Trigger: "write-check", Models: []ats.Model{ats.ModelApplications}}
		if run, err := w.a.StartSync(ctx, c, req); err == nil {
			_ = w.a.ExecuteSync(ctx, c, run, req)
		}
		stage, status, err := w.a.store.ApplicationState(ctx, c.ID, p.ApplicationID)
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
			marker = attachmentName(p.ResultID)
		}
		found, err := chk.HasWrite(ctx, ats.WriteAction(wr.Action), p.CandidateID, p.ApplicationID, marker)
		if err != nil {
			return false, false, err
		}
		return found, true, nil
	}
	return false, false, nil
}

// attachmentName is the PDF's file name in the ATS; it identifies the
// result, so an attachment whose upload outcome was lost can be found.
func attachmentName(resultID int64) string { return fmt.Sprintf("hireloop-interview-%d.pdf", resultID) }

// spanLabel renders a span of seconds for a reader: "45 s", "1 min", "2 min 5 s".
func spanLabel(n int64) string {
	m, sec := n/60, n%60
	switch {
	case m == 0:
		return fmt.Sprintf("%d s", sec)
	case sec == 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, sec)
}
