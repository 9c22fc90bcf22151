package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// Candidate API: what the interview page at /i/<token> talks to. The link
// token is the only credential; it is looked up by its hash. Answers to
// questions of another interview, changes after submission or expiry, and
// oversized uploads are refused with their own codes, so the page can show
// a friendly explanation instead of an error.

// aiDisclosure is shown before consent. Scoring uses answer content only.
const aiDisclosure = "An AI system helps assess your answers. It looks only at what you answer (the content of your text, " +
	"and of the transcript of any recording) against criteria the recruiter set for this position. It does not assess your " +
	"voice, accent, fluency, face, appearance or emotions. A person at the company reviews the assessment and makes every decision; " +
	"nobody is rejected by the AI. You can ask for an adjustment (for example more time, or another way to answer) at any point."

const (
	maxMediaBytes = 100 << 20 // one recording
	mediaDir      = "media"
)

type candidateQuestion struct {
	ID         int64    `json:"id"`
	Position   int      `json:"position"`
	Type       string   `json:"type"`
	Prompt     string   `json:"prompt"`
	Help       string   `json:"help"`
	Options    []string `json:"options"`
	Required   bool     `json:"required"`
	TimeLimitS int      `json:"time_limit_seconds"`
	Retakes    int      `json:"retakes"`
	MaxMediaS  int      `json:"max_media_seconds"`
}

func (a *Server) loadCandidateInvitation(c *fiber.Ctx) (*store.Invitation, error) {
	tok := c.Params("token")
	if len(tok) < 20 || len(tok) > 100 {
		return nil, &apperr.Error{Status: 404, Code: "unknown_link", Message: "This interview link is not valid. Check that you copied the whole link from the email."}
	}
	inv, err := a.store.InvitationByTokenHash(c.UserContext(), secret.Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return nil, &apperr.Error{Status: 404, Code: "unknown_link", Message: "This interview link is not valid. Check that you copied the whole link from the email."}
	}
	if err != nil {
		return nil, err
	}
	if inv.Status != "submitted" && inv.Status != "expired" && !a.now().Before(inv.ExpiresAt) {
		inv.Status = "expired" // the expiry job may not have run yet
	}
	return inv, nil
}

func closedError(inv *store.Invitation) *apperr.Error {
	if inv.Status == "submitted" {
		return apperr.Conflict("already_submitted", "You have already submitted this interview. Thank you!")
	}
	return &apperr.Error{Status: fiber.StatusGone, Code: "link_expired", Message: "This interview link has expired. Contact the recruiter if you still want to take part."}
}

// candidateView is everything the interview page shows.
func (a *Server) candidateView(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	iv, err := a.store.InterviewByID(ctx, inv.InterviewID)
	if err != nil {
		return err
	}
	b, _, err := a.store.WorkspaceBranding(ctx, inv.WorkspaceID)
	if err != nil {
		return err
	}
	if inv.Status != "expired" && inv.Status != "submitted" {
		if err := a.store.MarkOpened(ctx, inv.ID); err != nil {
			return err
		}
		if inv.Status == "queued" || inv.Status == "sent" {
			inv.Status = "opened"
		}
	}
	out := fiber.Map{
		"status":        inv.Status,
		"candidate":     fiber.Map{"first_name": inv.FirstName},
		"company":       b,
		"interview":     fiber.Map{"name": iv.Name, "intro": iv.Intro, "language": iv.Language, "kind": iv.Kind},
		"expires_at":    inv.ExpiresAt,
		"consent_at":    inv.ConsentAt,
		"started_at":    inv.StartedAt,
		"submitted_at":  inv.SubmittedAt,
		"ai_disclosure": aiDisclosure,
		"adjustment":    inv.AdjustmentRequest,
	}
	if inv.Status == "expired" || inv.Status == "submitted" {
		return c.JSON(out) // the page shows the closed state; no questions
	}
	qs := make([]candidateQuestion, 0, len(iv.Questions))
	for _, q := range iv.Questions {
		// Rubrics and knockout rules are for the recruiter, never sent here.
		qs = append(qs, candidateQuestion{ID: q.ID, Position: q.Position, Type: q.Type, Prompt: q.Prompt, Help: q.Help, Options: q.Options,
			Required: q.Required, TimeLimitS: q.TimeLimitS, Retakes: q.Retakes, MaxMediaS: q.MaxMediaS})
	}
	out["questions"] = qs
	answers, err := a.store.Answers(ctx, inv.ID)
	if err != nil {
		return err
	}
	out["answers"] = answers
	return c.JSON(out)
}

type startRequest struct {
	Consent bool `json:"consent"`
}

func (a *Server) candidateStart(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	var req startRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if !req.Consent {
		fe := apperr.Fields{}
		fe.Add("consent", "must be given to start the interview")
		return fe.Err()
	}
	if err := a.store.StartInvitation(c.UserContext(), inv.ID); errors.Is(err, store.ErrClosed) {
		return closedError(inv)
	} else if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type answerRequest struct {
	Value json.RawMessage `json:"value"`
}

// candidateQuestionFor finds a question of the invitation's interview.
func (a *Server) candidateQuestionFor(c *fiber.Ctx, inv *store.Invitation) (*store.Question, error) {
	qid, err := paramID(c, "qid")
	if err != nil {
		return nil, err
	}
	iv, err := a.store.InterviewByID(c.UserContext(), inv.InterviewID)
	if err != nil {
		return nil, err
	}
	for i := range iv.Questions {
		if iv.Questions[i].ID == qid {
			return &iv.Questions[i], nil
		}
	}
	return nil, &apperr.Error{Status: 404, Code: "unknown_question", Message: "This question is not part of your interview."}
}

// normalizeAnswer checks a value against the question and returns it as
// stored text (JSON array for multiple choice).
func normalizeAnswer(q *store.Question, raw json.RawMessage) (string, error) {
	bad := func(msg string) error {
		fe := apperr.Fields{}
		fe.Add("value", msg)
		return fe.Err()
	}
	switch q.Type {
	case "multi_choice":
		var vs []string
		if err := json.Unmarshal(raw, &vs); err != nil {
			return "", bad("must be a list of choices")
		}
		for _, v := range vs {
			if !slices.Contains(q.Options, v) {
				return "", bad(fmt.Sprintf("%q is not one of the choices", v))
			}
		}
		b, _ := json.Marshal(vs)
		return string(b), nil
	case "audio", "video":
		var s string
		_ = json.Unmarshal(raw, &s)
		if len(s) > 2000 {
			return "", bad("must be at most 2000 characters")
		}
		return s, nil // a note; the recording is uploaded separately
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n float64
		if q.Type == "number" && json.Unmarshal(raw, &n) == nil {
			return strconv.FormatFloat(n, 'f', -1, 64), nil
		}
		return "", bad("must be text")
	}
	s = strings.TrimSpace(s)
	switch q.Type {
	case "text":
		if len(s) > 20000 {
			return "", bad("must be at most 20000 characters")
		}
	case "single_choice", "yes_no":
		if s != "" && !slices.Contains(q.Options, s) {
			return "", bad(fmt.Sprintf("%q is not one of the choices", s))
		}
	case "number":
		if s != "" {
			n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
			if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
				return "", bad("must be a number")
			}
			s = strconv.FormatFloat(n, 'f', -1, 64)
		}
	}
	return s, nil
}

// candidateAnswer autosaves one answer.
func (a *Server) candidateAnswer(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	q, err := a.candidateQuestionFor(c, inv)
	if err != nil {
		return err
	}
	var req answerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	val, err := normalizeAnswer(q, req.Value)
	if err != nil {
		return err
	}
	ans, err := a.store.SaveAnswer(c.UserContext(), inv.ID, store.Answer{QuestionID: q.ID, Value: val})
	if errors.Is(err, store.ErrClosed) {
		if inv.Status == "opened" || inv.Status == "sent" || inv.Status == "queued" {
			return apperr.Conflict("not_started", "Start the interview first.")
		}
		return closedError(inv)
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"answer": ans})
}

// candidateOpenQuestion records when the candidate first saw a question
// and answers with the time left on a timed one. The browser counts down
// from this, so the deadline is the server's: a reload or another browser
// does not restart the clock, and an answer saved after it is flagged for
// the reviewer (see store.Answer.LateS), never dropped.
func (a *Server) candidateOpenQuestion(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	if inv.Status != "started" {
		if inv.Status == "submitted" || inv.Status == "expired" {
			return closedError(inv)
		}
		return apperr.Conflict("not_started", "Start the interview first.")
	}
	q, err := a.candidateQuestionFor(c, inv)
	if err != nil {
		return err
	}
	opened, err := a.store.OpenQuestion(c.UserContext(), inv.ID, q.ID)
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	out := fiber.Map{"opened_at": opened, "time_limit_seconds": q.TimeLimitS}
	if q.TimeLimitS > 0 {
		left := time.Until(opened.Add(time.Duration(q.TimeLimitS) * time.Second)).Seconds()
		out["remaining_seconds"] = max(0, int64(math.Ceil(left)))
	}
	return c.JSON(out)
}

var mediaTypes = map[string]string{
	"audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a", "audio/mpeg": ".mp3", "audio/wav": ".wav",
	"video/webm": ".webm", "video/mp4": ".mp4",
}

// candidateMedia receives a recording in chunks: each request appends its
// body at ?offset=N (which must equal the bytes received so far, so a
// retried chunk is not appended twice) and the last one says ?final=1.
// A recording larger than maxMediaBytes is refused with 413.
func (a *Server) candidateMedia(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	if inv.Status != "started" {
		if inv.Status == "submitted" || inv.Status == "expired" {
			return closedError(inv)
		}
		return apperr.Conflict("not_started", "Start the interview first.")
	}
	q, err := a.candidateQuestionFor(c, inv)
	if err != nil {
		return err
	}
	if q.Type != "audio" && q.Type != "video" {
		return apperr.BadRequest("This question takes no recording.")
	}
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	ext, ok := mediaTypes[ct]
	if !ok || !strings.HasPrefix(ct, q.Type+"/") {
		return &apperr.Error{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Send the recording as " + q.Type + "/webm, " + q.Type + "/mp4 or similar."}
	}
	offset, err := strconv.ParseInt(c.Query("offset", "0"), 10, 64)
	if err != nil || offset < 0 {
		return apperr.BadRequest("offset must be a non-negative integer.")
	}
	dir := filepath.Join(a.cfg.DataDir, mediaDir, strconv.FormatInt(inv.WorkspaceID, 10), strconv.FormatInt(inv.ID, 10))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	part := filepath.Join(dir, fmt.Sprintf("q%d.part", q.ID))
	if offset == 0 {
		_ = os.Remove(part)
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != offset {
		return &apperr.Error{Status: fiber.StatusConflict, Code: "offset_mismatch", Message: fmt.Sprintf("Expected offset %d.", st.Size()),
			Fields: map[string]string{"offset": strconv.FormatInt(st.Size(), 10)}}
	}
	body := c.Body()
	if limit := a.mediaLimit(); offset+int64(len(body)) > limit {
		_ = os.Remove(part)
		return &apperr.Error{Status: fiber.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: fmt.Sprintf("The recording is larger than %d MB; record a shorter answer.", max(limit>>20, 1))}
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		return err
	}
	size := offset + int64(len(body))
	if c.Query("final") != "1" {
		return c.JSON(fiber.Map{"received": size})
	}
	if err := f.Close(); err != nil {
		return err
	}
	if size == 0 {
		return apperr.BadRequest("The recording is empty.")
	}
	final := filepath.Join(dir, fmt.Sprintf("q%d-%d%s", q.ID, time.Now().UnixNano(), ext))
	if err := os.Rename(part, final); err != nil {
		return err
	}
	ans, err := a.store.SaveAnswer(c.UserContext(), inv.ID, store.Answer{QuestionID: q.ID, MediaPath: final, MediaType: ct, MediaBytes: size})
	if errors.Is(err, store.ErrClosed) {
		_ = os.Remove(final)
		return closedError(inv)
	}
	if err != nil {
		return err
	}
	if q.Retakes >= 0 && ans.Attempts > q.Retakes+1 {
		a.log.Info("Recording retaken more often than allowed", slog.Int64("invitation_id", inv.ID), slog.Int64("question_id", q.ID))
	}
	return c.JSON(fiber.Map{"answer": ans, "received": size})
}

// candidateSubmit closes the interview; required questions must be answered.
func (a *Server) candidateSubmit(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	if inv.Status == "submitted" || inv.Status == "expired" {
		return closedError(inv)
	}
	iv, err := a.store.InterviewByID(c.UserContext(), inv.InterviewID)
	if err != nil {
		return err
	}
	answers, err := a.store.Answers(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, an := range answers {
		have[an.QuestionID] = an.Value != "" && an.Value != "[]" || an.MediaPath != ""
	}
	fe := apperr.Fields{}
	for _, q := range iv.Questions {
		if q.Required && !have[q.ID] {
			fe.Add("questions."+strconv.FormatInt(q.ID, 10), "needs an answer")
		}
	}
	if err := fe.Err(); err != nil {
		ae := err.(*apperr.Error)
		ae.Code, ae.Message = "incomplete", fmt.Sprintf("%d required question%s still need%s an answer.", len(fe), plural(len(fe)), map[bool]string{true: "s", false: ""}[len(fe) == 1])
		return ae
	}
	if err := a.store.SubmitInvitation(c.UserContext(), inv.ID); errors.Is(err, store.ErrClosed) {
		fresh, ferr := a.store.InvitationByID(c.UserContext(), inv.ID)
		if ferr == nil {
			return closedError(fresh)
		}
		return closedError(inv)
	} else if err != nil {
		return err
	}
	a.log.Info("Interview submitted", slog.Int64("invitation_id", inv.ID), slog.Int64("interview_id", inv.InterviewID))
	a.results.Wake()
	return c.SendStatus(fiber.StatusNoContent)
}

type adjustmentRequest struct {
	Text string `json:"text"`
}

func (a *Server) candidateAdjustment(c *fiber.Ctx) error {
	inv, err := a.loadCandidateInvitation(c)
	if err != nil {
		return err
	}
	var req adjustmentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Text = strings.TrimSpace(req.Text)
	fe := apperr.Fields{}
	fe.Add("text", apperr.CheckName(req.Text, true, 4000))
	if err := fe.Err(); err != nil {
		return err
	}
	if err := a.store.RequestAdjustment(c.UserContext(), inv.ID, req.Text); errors.Is(err, store.ErrClosed) {
		return closedError(inv)
	} else if err != nil {
		return err
	}
	a.log.Info("Adjustment requested", slog.Int64("invitation_id", inv.ID))
	return c.SendStatus(fiber.StatusNoContent)
}

// mediaLimit is the largest recording accepted; tests lower it.
func (a *Server) mediaLimit() int64 {
	if a.maxMedia != nil && a.maxMedia() > 0 {
		return a.maxMedia()
	}
	return maxMediaBytes
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
