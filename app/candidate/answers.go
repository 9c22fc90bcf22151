package candidate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// MediaRoot is where recordings are kept under the data dir; only files
// below it are ever served.
func MediaRoot(dataDir string) string { return filepath.Join(dataDir, "media") }

// question finds a question of the invitation's version of its interview.
func (s *Service) question(ctx context.Context, inv *store.Invitation, qid int64) (*store.Question, error) {
	iv, err := s.interview(ctx, inv)
	if err != nil {
		return nil, err
	}
	for i := range iv.Questions {
		if iv.Questions[i].ID == qid {
			return &iv.Questions[i], nil
		}
	}
	return nil, &apperr.Error{Status: http.StatusNotFound, Code: "unknown_question", Message: "This question is not part of your interview."}
}

// startedQuestion is question qid of a started interview.
func (s *Service) startedQuestion(ctx context.Context, inv *store.Invitation, qid int64) (*store.Question, error) {
	if inv.Status != "started" {
		return nil, notStarted(inv)
	}
	return s.question(ctx, inv, qid)
}

// normalizeAnswer checks a value against the question and returns it as
// stored text (JSON array for multiple choice).
func normalizeAnswer(q *store.Question, raw json.RawMessage) (string, error) {
	bad := func(msg string) error { return apperr.Field("value", msg) }
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

// Answer autosaves one answer.
func (s *Service) Answer(ctx context.Context, inv *store.Invitation, qid int64, raw json.RawMessage) (*store.Answer, error) {
	q, err := s.question(ctx, inv, qid)
	if err != nil {
		return nil, err
	}
	val, err := normalizeAnswer(q, raw)
	if err != nil {
		return nil, err
	}
	ans, err := s.Store.SaveAnswer(ctx, inv.ID, store.Answer{QuestionID: q.ID, Value: val})
	if errors.Is(err, store.ErrClosed) {
		return nil, notStarted(inv)
	}
	return ans, err
}

// Opened is when the candidate first saw a question, and the time left on
// a timed one.
type Opened struct {
	OpenedAt         time.Time `json:"opened_at"`
	RemainingSeconds *int64    `json:"remaining_seconds,omitempty"`
	TimeLimitSeconds int       `json:"time_limit_seconds"`
}

// OpenQuestion records when the candidate first saw a question. The
// browser counts down from it, so the deadline is the server's: a reload
// or another browser does not restart the clock, and an answer saved after
// it is flagged for the reviewer (see store.Answer.LateS), never dropped.
func (s *Service) OpenQuestion(ctx context.Context, inv *store.Invitation, qid int64) (*Opened, error) {
	q, err := s.startedQuestion(ctx, inv, qid)
	if err != nil {
		return nil, err
	}
	opened, err := s.Store.OpenQuestion(ctx, inv.ID, q.ID)
	if err != nil {
		return nil, apperr.NotFoundIs(err)
	}
	out := &Opened{OpenedAt: opened, TimeLimitSeconds: q.TimeLimitS}
	if q.TimeLimitS > 0 {
		left := time.Until(opened.Add(time.Duration(q.TimeLimitS) * time.Second)).Seconds()
		rem := max(0, int64(math.Ceil(left)))
		out.RemainingSeconds = &rem
	}
	return out, nil
}

var mediaTypes = map[string]string{
	"audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a", "audio/mpeg": ".mp3", "audio/wav": ".wav",
	"video/webm": ".webm", "video/mp4": ".mp4",
}

// Chunk is one piece of a recording: its bytes go at Offset (which must
// equal the bytes received so far, so a retried chunk is not appended
// twice), and Final says it is the last.
type Chunk struct {
	ContentType string
	Offset      string // as the request gave it; "" is 0
	Body        []byte
	Final       bool
	// DurationMS is the recording's length as the browser measured it,
	// sent with the final chunk ("" = unknown). It is only shown to
	// people ("Recording (0:47)"), so it is clamped, never trusted.
	DurationMS string
	offset     int64
}

// Received is the recording's size so far; Answer is set once it is
// complete.
type Received struct {
	Answer   *store.Answer `json:"answer,omitempty"`
	Received int64         `json:"received"`
}

func (s *Service) mediaLimit() int64 {
	if s.MaxMedia != nil && s.MaxMedia() > 0 {
		return s.MaxMedia()
	}
	return MaxMediaBytes
}

// Record receives a recording chunk by chunk for question qid. A
// recording larger than the limit is refused with 413 and dropped.
func (s *Service) Record(ctx context.Context, inv *store.Invitation, qid int64, ch Chunk) (*Received, error) {
	q, err := s.startedQuestion(ctx, inv, qid)
	if err != nil {
		return nil, err
	}
	if q.Type != "audio" && q.Type != "video" {
		return nil, apperr.BadRequest("This question takes no recording.")
	}
	ext, ok := mediaTypes[ch.ContentType]
	if !ok || !strings.HasPrefix(ch.ContentType, q.Type+"/") {
		return nil, &apperr.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Send the recording as " + q.Type + "/webm, " + q.Type + "/mp4 or similar."}
	}
	if ch.Offset == "" {
		ch.Offset = "0"
	}
	if ch.offset, err = strconv.ParseInt(ch.Offset, 10, 64); err != nil || ch.offset < 0 {
		return nil, apperr.BadRequest("offset must be a non-negative integer.")
	}
	// A new recording (its first chunk) is refused at once when the
	// question's retakes are used up; the store checks again, atomically,
	// when the recording is complete.
	if ch.offset == 0 {
		n, err := s.Store.RecordingAttempts(ctx, inv.ID, q.ID)
		if err != nil {
			return nil, err
		}
		if n >= q.Retakes+1 {
			return nil, noRetakes(q)
		}
	}
	dir := filepath.Join(MediaRoot(s.DataDir), strconv.FormatInt(inv.WorkspaceID, 10), strconv.FormatInt(inv.ID, 10))
	if err := s.roomFor(dir, int64(len(ch.Body))); err != nil {
		return nil, err
	}
	part := filepath.Join(dir, fmt.Sprintf("q%d.part", q.ID))
	size, err := s.appendChunk(dir, part, ch)
	if err != nil || !ch.Final {
		return &Received{Received: size}, err
	}
	if size == 0 {
		return nil, apperr.BadRequest("The recording is empty.")
	}
	final := filepath.Join(dir, fmt.Sprintf("q%d-%d%s", q.ID, time.Now().UnixNano(), ext))
	if err := os.Rename(part, final); err != nil {
		return nil, err
	}
	ans, err := s.Store.SaveAnswer(ctx, inv.ID, store.Answer{QuestionID: q.ID, MediaPath: final, MediaType: ch.ContentType, MediaBytes: size,
		MediaMS: durationMS(ch.DurationMS, q.MaxMediaS), MaxAttempts: q.Retakes + 1})
	switch {
	case errors.Is(err, store.ErrClosed):
		_ = os.Remove(final)
		return nil, closedError(inv)
	case errors.Is(err, store.ErrNoRetakes):
		_ = os.Remove(final)
		return nil, noRetakes(q)
	case err != nil:
		_ = os.Remove(final)
		return nil, err
	}
	// The recording it replaces is nobody's answer any more: it goes, so
	// retakes cannot fill the disk.
	if old := ans.ReplacedMedia; old != "" && s.underMedia(old) {
		if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.Log.Warn("Replaced recording not removed", slog.Int64("invitation_id", inv.ID), slog.Int64("question_id", q.ID), slog.Any("error", err))
		}
	}
	return &Received{Answer: ans, Received: size}, nil
}

func noRetakes(q *store.Question) error {
	msg := "This question allows one recording, and it is saved."
	if q.Retakes > 0 {
		msg = fmt.Sprintf("This question allows %d recordings, and they are used up; the last one is saved.", q.Retakes+1)
	}
	return apperr.Conflict("no_retakes_left", msg)
}

// underMedia tells whether path is a file below the media directory (the
// only files hireloop deletes on a candidate's behalf).
func (s *Service) underMedia(path string) bool {
	rel, err := filepath.Rel(MediaRoot(s.DataDir), path)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..")
}

// MinFreeDisk is the free space recordings leave on the data disk unless
// configured: the database, reports and the outbox need room too.
const MinFreeDisk = 512 << 20

// roomFor refuses a chunk, with 507 and a message the candidate can act
// on, when writing it would leave less than the minimum free space.
func (s *Service) roomFor(dir string, n int64) error {
	min := int64(MinFreeDisk)
	if s.MinFree != nil {
		min = s.MinFree()
	}
	if min <= 0 {
		return nil
	}
	free, err := freeSpace(MediaRoot(s.DataDir), dir)
	if err != nil {
		return nil // unknown: the write itself will fail if the disk is full
	}
	if free-n < min {
		s.Log.Error("Recording refused: the data disk is nearly full", slog.Int64("free_bytes", free), slog.Int64("min_free_bytes", min))
		return &apperr.Error{Status: http.StatusInsufficientStorage, Code: "insufficient_storage",
			Message: "Your recording cannot be saved right now because the server is out of space. It is kept in your browser: try again later, or write your answer instead."}
	}
	return nil
}

// durationMS reads the browser's measured length, bounded by the
// question's recording limit (plus a little for the browser's rounding).
func durationMS(v string, maxS int) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return min(n, int64(maxS+5)*1000)
}

// appendChunk writes ch into the partial file and returns its new size.
func (s *Service) appendChunk(dir, part string, ch Chunk) (int64, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	if ch.offset == 0 {
		_ = os.Remove(part)
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() != ch.offset {
		return 0, &apperr.Error{Status: http.StatusConflict, Code: "offset_mismatch", Message: fmt.Sprintf("Expected offset %d.", st.Size()),
			Fields: map[string]string{"offset": strconv.FormatInt(st.Size(), 10)}}
	}
	if limit := s.mediaLimit(); ch.offset+int64(len(ch.Body)) > limit {
		_ = os.Remove(part)
		return 0, &apperr.Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: fmt.Sprintf("The recording is larger than %d MB; record a shorter answer.", max(limit>>20, 1))}
	}
	if _, err := f.Seek(ch.offset, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := f.Write(ch.Body); err != nil {
		return 0, err
	}
	return ch.offset + int64(len(ch.Body)), f.Close()
}
