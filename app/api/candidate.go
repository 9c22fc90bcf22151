package api

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/candidate"
	"github.com/hireloop/hireloop/store"
)

// The candidate API is what the interview page at /i/<token> talks to; the
// candidate service holds its rules.

// candidateInvitation is the invitation whose link token is :token.
func (a *Server) candidateInvitation(c *fiber.Ctx) (*store.Invitation, error) {
	return a.candidates.Invitation(c.UserContext(), c.Params("token"))
}

func (a *Server) candidateView(c *fiber.Ctx, inv *store.Invitation) error {
	v, err := a.candidates.View(c.UserContext(), inv)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type startRequest struct {
	Consent bool `json:"consent"`
}

func (a *Server) candidateStart(c *fiber.Ctx, inv *store.Invitation) error {
	var req startRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return noContent(c, a.candidates.Start(c.UserContext(), inv, req.Consent))
}

type answerRequest struct {
	Value json.RawMessage `json:"value"`
}

// candidateAnswer autosaves one answer.
func (a *Server) candidateAnswer(c *fiber.Ctx, inv *store.Invitation) error {
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	var req answerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ans, err := a.candidates.Answer(c.UserContext(), inv, qid, req.Value)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"answer": ans})
}

// candidateSignals records a question's integrity signals: the page's
// running totals, checked and clamped by the candidate service.
func (a *Server) candidateSignals(c *fiber.Ctx, inv *store.Invitation) error {
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	var req candidate.SignalsInput
	if err := bind(c, &req); err != nil {
		return err
	}
	sig, err := a.candidates.SaveSignals(c.UserContext(), inv, qid, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"signals": sig})
}

// candidateOpenQuestion records when the candidate first saw a question
// and answers with the time left on a timed one.
func (a *Server) candidateOpenQuestion(c *fiber.Ctx, inv *store.Invitation) error {
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	out, err := a.candidates.OpenQuestion(c.UserContext(), inv, qid)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// candidateMedia receives a recording in chunks: each request appends its
// body at ?offset=N and the last one says ?final=1 (with the length the
// browser measured, ?duration_ms=N).
func (a *Server) candidateMedia(c *fiber.Ctx, inv *store.Invitation) error {
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	got, err := a.candidates.Record(c.UserContext(), inv, qid, candidate.Chunk{ContentType: ct, Offset: c.Query("offset"),
		Body: c.Body(), Final: c.Query("final") == "1", DurationMS: c.Query("duration_ms")})
	if err != nil {
		return err
	}
	return c.JSON(got)
}

// candidateSubmit closes the interview; required questions must be answered.
func (a *Server) candidateSubmit(c *fiber.Ctx, inv *store.Invitation) error {
	return noContent(c, a.candidates.Submit(c.UserContext(), inv))
}

type adjustmentRequest struct {
	Text string `json:"text"`
}

func (a *Server) candidateAdjustment(c *fiber.Ctx, inv *store.Invitation) error {
	var req adjustmentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return noContent(c, a.candidates.RequestAdjustment(c.UserContext(), inv, req.Text))
}

// noContent answers 204 unless err.
func noContent(c *fiber.Ctx, err error) error {
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
