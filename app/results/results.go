// Package results is the results pipeline. A submission creates its result in status
// 'scoring' in the same transaction (store.SubmitInvitation). The scoring
// worker then, for each due result: transcribes recordings when a
// transcription endpoint is set, scores (LLM when configured, else the
// built-in scorer), renders the PDF report, and queues the follow-up ATS
// writes (result link, note, PDF, completed-stage move, score tag) with
// idempotency keys. Every step can fail and be retried: a scorer error
// leaves the result in 'scoring' for the next attempt, never a zero score.
package results

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/report"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/app/writeback"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

const scoringLease = 5 * time.Minute

// Deps are what the worker needs.
type Deps struct {
	Store   *store.Store
	Log     *slog.Logger
	Box     *secret.Box // opens AI keys; signs report links
	DataDir string      // reports/ lives here
	BaseURL string      // results links
	Now     func() time.Time
	// Backoff is the wait before retry attempt n (queue.Backoff).
	Backoff func(attempt int) time.Duration
	// Caps tells what a connection's ATS can be written (the write-back
	// outbox's cached connector answers).
	Caps func(ctx context.Context, connectionID int64) (ats.Capabilities, error)
	// WakeWriter and WakeMail tell the write-back and email outboxes that
	// work was queued.
	WakeWriter, WakeMail func()
	// Ctx lives as long as the app: background renders run under it.
	Ctx context.Context
}

// Worker scores submitted interviews and follows up on them.
type Worker struct {
	d    Deps
	wake queue.Waker
	wg   sync.WaitGroup
	// ScorerFor and TranscriberFor build a workspace's scorer; tests may
	// replace them.
	ScorerFor      func(ctx context.Context, ws int64) (scoring.Scorer, error)
	TranscriberFor func(ctx context.Context, ws int64) (scoring.Transcriber, error)
}

// New builds the worker.
func New(d Deps) *Worker {
	w := &Worker{d: d, wake: queue.NewWaker()}
	w.ScorerFor, w.TranscriberFor = w.configuredScorer, w.configuredTranscriber
	return w
}

// Wake makes the worker look for results to score now.
func (w *Worker) Wake() { w.wake.Wake() }

// Wait blocks until the worker and background renders have ended.
func (w *Worker) Wait() { w.wg.Wait() }

func (w *Worker) configuredScorer(ctx context.Context, ws int64) (scoring.Scorer, error) {
	c, ok, err := w.LLMConfig(ctx, ws)
	if err != nil {
		return nil, err
	}
	if !ok {
		return scoring.NewBuiltin(), nil
	}
	return scoring.NewLLM(c)
}

// LLMConfig is the chat-completions endpoint a workspace's AI settings
// name, with its key opened; ok is false when they name none (then the
// built-in scorer applies). The worker and "hireloop scoring eval
// --workspace" both build their scorer from it, so an evaluation measures
// the scorer the workspace's candidates actually get.
func (w *Worker) LLMConfig(ctx context.Context, ws int64) (c scoring.LLMConfig, ok bool, err error) {
	s, err := w.d.Store.AISettings(ctx, ws)
	if err != nil {
		return c, false, err
	}
	if s.LLMBaseURL == "" || s.LLMModel == "" {
		return c, false, nil
	}
	key, err := w.d.Box.Open(secret.PurposeLLMKey, s.LLMKey)
	if err != nil {
		return c, false, err
	}
	return scoring.LLMConfig{BaseURL: s.LLMBaseURL, APIKey: string(key), Model: s.LLMModel, Timeout: 2 * time.Minute}, true, nil
}

func (w *Worker) configuredTranscriber(ctx context.Context, ws int64) (scoring.Transcriber, error) {
	s, err := w.d.Store.AISettings(ctx, ws)
	if err != nil || s.TranscribeBaseURL == "" {
		return nil, err
	}
	key, err := w.d.Box.Open(secret.PurposeTranscribeKey, s.TranscribeKey)
	if err != nil {
		return nil, err
	}
	return scoring.NewTranscriber(scoring.TranscriberConfig{BaseURL: s.TranscribeBaseURL, APIKey: string(key), Model: s.TranscribeModel,
		Timeout: 5 * time.Minute})
}

// Run scores and follows up until ctx ends.
func (w *Worker) Run(ctx context.Context) { queue.Loop(ctx, w.wake, 10*time.Second, w.drain) }

// Start runs the worker in the background until ctx ends.
func (w *Worker) Start(ctx context.Context) { queue.Go(&w.wg, func() { w.Run(ctx) }) }

func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		rs, err := w.d.Store.ClaimScoring(ctx, 10, scoringLease)
		if err != nil {
			w.d.Log.Error("Unable to read results to score", slog.Any("error", err))
			return
		}
		for _, r := range rs {
			if err := w.score(ctx, &r); err != nil {
				retry := w.d.Now().Add(w.d.Backoff(r.Attempts))
				w.d.Log.Warn("Scoring failed; will retry", slog.Int64("result_id", r.ID), slog.Int("attempt", r.Attempts+1),
					slog.Time("retry_at", retry), slog.String("error", err.Error()))
				_ = w.d.Store.ScoringFailed(context.WithoutCancel(ctx), r.ID, err.Error(), retry)
			}
		}
		// Scored results whose follow-up is not queued yet (also after a crash).
		pend, err := w.d.Store.ScoredWithoutFollowup(ctx, 50)
		if err != nil {
			return
		}
		for _, r := range pend {
			if err := w.followUp(ctx, &r); err != nil {
				w.d.Log.Warn("Follow-up not queued; will retry", slog.Int64("result_id", r.ID), slog.Any("error", err))
			}
		}
		if len(rs) == 0 {
			return
		}
	}
}

// Record is what is stored about one result besides its scores: the
// invitation (the candidate), the interview as it stands but with the
// questions of the version the candidate answered, the answers and the
// scores people set over the assessment's.
type Record struct {
	Invitation *store.Invitation
	Interview  *store.Interview
	Answers    []store.Answer
	Overrides  []store.Override
}

// Load reads the record of r.
func Load(ctx context.Context, st *store.Store, r *store.Result) (*Record, error) {
	iv, inv, err := subject(ctx, st, r)
	if err != nil {
		return nil, err
	}
	// Scored and reported on the questions the candidate was asked: their
	// invitation's version, whichever is current now.
	if iv.Questions, err = st.QuestionsOf(ctx, iv.ID, inv.Version); err != nil {
		return nil, err
	}
	rec := &Record{Invitation: inv, Interview: iv}
	if rec.Answers, err = st.Answers(ctx, inv.ID); err != nil {
		return nil, err
	}
	rec.Overrides, err = st.Overrides(ctx, r.ID)
	return rec, err
}

// subject loads the interview and the invitation (the candidate) a result
// is about.
func subject(ctx context.Context, st *store.Store, r *store.Result) (*store.Interview, *store.Invitation, error) {
	iv, err := st.InterviewByID(ctx, r.InterviewID)
	if err != nil {
		return nil, nil, err
	}
	inv, err := st.InvitationByID(ctx, r.InvitationID)
	return iv, inv, err
}

// scoringInput builds the scorer's input from the stored interview.
func scoringInput(iv *store.Interview, answers []store.Answer) scoring.Input {
	in := scoring.Input{InterviewName: iv.Name, JobDescription: iv.JobDescription, Language: iv.Language}
	for _, q := range iv.Questions {
		sq := scoring.Question{ID: q.ID, Type: q.Type, Prompt: q.Prompt, Options: q.Options, Required: q.Required, Weight: 1}
		crit, _ := scoring.ParseRubric(q.Rubric)
		for _, c := range crit {
			// The rubric's own ids are not kept: the scorer derives them.
			sq.Rubric = append(sq.Rubric, scoring.Criterion{Name: c.Name, Weight: c.Weight, Strong: c.Strong})
		}
		if k, err := scoring.ParseKnockout(q.Knockout); err == nil {
			sq.Knockout = k
		}
		if rule, err := scoring.ParseRule(q.Scoring); err == nil {
			sq.Rule = rule
		}
		in.Questions = append(in.Questions, sq)
	}
	for _, a := range answers {
		in.Answers = append(in.Answers, scoring.Answer{QuestionID: a.QuestionID, Value: a.Value, Transcript: a.Transcript, HasMedia: a.MediaPath != ""})
	}
	return in
}

func (w *Worker) score(ctx context.Context, r *store.Result) error {
	rec, err := Load(ctx, w.d.Store, r)
	if err != nil {
		return err
	}
	inv, iv, answers := rec.Invitation, rec.Interview, rec.Answers
	// Transcribe recordings first, when an endpoint is configured.
	if tr, err := w.TranscriberFor(ctx, r.WorkspaceID); err != nil {
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
			if err := w.d.Store.SetTranscript(ctx, inv.ID, an.QuestionID, text); err != nil {
				return err
			}
			answers[i].Transcript = text
		}
	}
	sc, err := w.ScorerFor(ctx, r.WorkspaceID)
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
	pending := 0
	for _, q := range res.Questions {
		if q.Kind == scoring.KindReview && q.Score == nil {
			pending++
		}
	}
	saved, err := w.d.Store.SaveScore(ctx, r.ID, store.ScoredResult{Overall: res.Overall, ReviewPending: pending, Scorer: res.Scorer, Model: res.Model,
		PromptVersion: res.PromptVersion, Rubric: res.RubricVersion, Details: details, Flags: flags, Raw: raw})
	if err != nil || !saved {
		return err
	}
	w.d.Log.Info("Interview scored", slog.Int64("result_id", r.ID), slog.String("scorer", res.Scorer), slog.String("model", res.Model))
	fresh, err := w.d.Store.ResultForWorker(ctx, r.ID)
	if err != nil {
		return err
	}
	if err := w.RenderReport(ctx, fresh); err != nil {
		// The score is kept; the report is rendered again by the follow-up.
		w.d.Log.Warn("Report not rendered yet", slog.Int64("result_id", r.ID), slog.Any("error", err))
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
func (w *Worker) reportPath(r *store.Result) string {
	return filepath.Join(w.d.DataDir, "reports", strconv.FormatInt(r.WorkspaceID, 10), fmt.Sprintf("result-%d.pdf", r.ID))
}

// ResultsURL is the stable console link to a result.
func (w *Worker) ResultsURL(r *store.Result) string {
	return fmt.Sprintf("%s/w/%d/results/%d", w.d.BaseURL, r.WorkspaceID, r.ID)
}

// BuildReport assembles the PDF's content from the stored result.
func (w *Worker) BuildReport(ctx context.Context, r *store.Result) (report.Report, error) {
	rec, err := Load(ctx, w.d.Store, r)
	if err != nil {
		return report.Report{}, err
	}
	inv, iv, answers := rec.Invitation, rec.Interview, rec.Answers
	overrides := rec.Overrides
	b, _, err := w.d.Store.WorkspaceBranding(ctx, r.WorkspaceID)
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
	// Integrity signals are read here, for the report only: the scorer's
	// input (scoringInput) and the follow-up writes never see them.
	sigs, err := w.d.Store.Signals(ctx, inv.ID)
	if err != nil {
		return report.Report{}, err
	}
	bySig := map[int64]report.Signals{}
	for _, v := range sigs {
		bySig[v.QuestionID] = report.Signals{PasteCount: v.PasteCount, PasteChars: v.PasteChars, AwayCount: v.AwayCount,
			Away: time.Duration(v.AwayMS) * time.Millisecond, BurstChars: v.BurstChars, Burst: time.Duration(v.BurstMS) * time.Millisecond}
	}
	rep := report.Report{
		Branding:      report.Branding{CompanyName: b.CompanyName, Color: b.BrandColor},
		CandidateName: strings.TrimSpace(inv.FirstName + " " + inv.LastName), CandidateEmail: inv.Email,
		Position: iv.Name, InterviewName: iv.Name, Overall: r.Overall, Scorer: r.Scorer, Model: r.Model, PromptVersion: r.PromptVersion,
		ResultsURL: w.ResultsURL(r), GeneratedAt: w.d.Now(),
	}
	if o, ok := latest[0]; ok {
		v := o.Score
		rep.Overall = &v
		rep.Flags = append(rep.Flags, fmt.Sprintf("Overall score set by a person to %.0f (the assessment said %s): %s", o.Score, FmtScore(o.Original), o.Reason))
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
		rq := report.Question{Position: q.Position, Prompt: q.Prompt, Type: q.Type, Answer: displayAnswer(q, an), Score: qr.Score, Rationale: qr.Rationale,
			Signals: bySig[q.ID]}
		if an.MediaPath != "" {
			// The recording is the answer; a typed note beside it is not.
			rq.Answer = RecordingText(an, rep.ResultsURL)
			if note := strings.TrimSpace(an.Value); note != "" {
				rq.MediaNote = "The candidate's note beside the recording: " + note
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

// FmtScore is a score for a sentence ("no score" when there is none).
func FmtScore(v *float64) string {
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

// RenderReport renders and stores the PDF (atomically: temp file + rename).
func (w *Worker) RenderReport(ctx context.Context, r *store.Result) error {
	rep, err := w.BuildReport(ctx, r)
	if err != nil {
		return err
	}
	pdf, err := report.Render(rep)
	if err != nil {
		return err
	}
	path := w.reportPath(r)
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
	return w.d.Store.SetReportPath(ctx, r.ID, path)
}

// followUp queues what a scored result sends to the ATS, once: the
// idempotency keys make a second call a no-op, and the result is marked
// followed-up in the same transaction.
func (w *Worker) followUp(ctx context.Context, r *store.Result) error {
	if r.ReportPath == "" {
		if err := w.RenderReport(ctx, r); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		r.ReportPath = w.reportPath(r)
	}
	iv, inv, err := subject(ctx, w.d.Store, r)
	if err != nil {
		return err
	}
	var writes []store.NewATSWrite
	if iv.SyncResults && iv.ConnectionID != nil {
		opts, err := w.d.Store.WorkspaceWriteOptions(ctx, r.WorkspaceID)
		if err != nil {
			return err
		}
		caps, err := w.d.Caps(ctx, *iv.ConnectionID)
		if err != nil {
			return err
		}
		base := writeback.Payload{ApplicationID: inv.ApplicationExtID, CandidateID: inv.CandidateExtID, ResultID: r.ID, Score: r.Overall}
		link := w.ResultsURL(r)
		add := func(action ats.WriteAction, key string, p writeback.Payload) {
			writes = append(writes, writeback.NewWrite(*iv.ConnectionID, r.ID, action, key, p))
		}
		summary, err := w.noteText(ctx, iv, r, link)
		if err != nil {
			return err
		}
		attention := Attention(r)
		if opts.ResultLink && caps.Supports(ats.ActionResultLink) {
			p := base
			p.URL, p.Label = link, "hireloop interview: "+writeback.ScoreText(r.Overall)
			add(ats.ActionResultLink, string(ats.ActionResultLink), p)
		}
		// Where the ATS has no result links, the note carries the link.
		if opts.Note && caps.Supports(ats.ActionNote) || opts.ResultLink && !caps.Supports(ats.ActionResultLink) && caps.Supports(ats.ActionNote) {
			p := base
			p.Body = summary
			add(ats.ActionNote, string(ats.ActionNote), p)
		}
		if opts.Attachment && caps.Supports(ats.ActionAttachment) {
			add(ats.ActionAttachment, string(ats.ActionAttachment), base)
		}
		// "Completed" says the interview is done, not that it went well, so
		// a knockout still moves (the note says it needs review); an answer
		// that may have tried to steer the scorer holds the move for a person.
		if iv.CompletedStageExtID != "" && !hasFlag(r, scoring.FlagPromptInjection) && caps.Supports(ats.ActionMoveStage) {
			p := base
			p.StageID = iv.CompletedStageExtID
			add(ats.ActionMoveStage, "move_completed", p)
		}
		// A positive tag is a claim about the candidate: never made
		// automatically while anything is flagged for a person.
		if iv.TagScoreName != "" && r.Overall != nil && *r.Overall >= iv.TagScoreThreshold && len(attention) == 0 && caps.Supports(ats.ActionAddTag) {
			p := base
			p.Tag = iv.TagScoreName
			add(ats.ActionAddTag, "tag_score", p)
		}
	}
	n, err := w.d.Store.QueueATSWrites(ctx, r.WorkspaceID, writes, r.ID, nil)
	if err != nil {
		return err
	}
	if n > 0 {
		w.d.WakeWriter()
	}
	return nil
}

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
