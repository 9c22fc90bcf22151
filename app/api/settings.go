package api

import (
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// auditLog lists the audit log; ?format=csv exports all of it.
func (a *Server) auditLog(c *fiber.Ctx) error {
	ws := currentWorkspace(c)
	if c.Query("format") == "csv" {
		entries, err := a.store.AuditLog(c.UserContext(), ws.ID, 0, 0)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hireloop-audit-%d.csv"`, ws.ID))
		w := csv.NewWriter(c.Response().BodyWriter())
		_ = w.Write([]string{"time", "actor", "action", "subject", "detail", "outcome"})
		for _, e := range entries {
			_ = w.Write([]string{e.CreatedAt.Format(time.RFC3339), e.Actor, e.Action, e.Subject, e.Detail, e.Outcome})
		}
		w.Flush()
		return w.Error()
	}
	before, err := queryInt(c, "before")
	if err != nil {
		return err
	}
	entries, err := a.store.AuditLog(c.UserContext(), ws.ID, before, 100)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries})
}

type aiSettingsView struct {
	LLMBaseURL        string `json:"llm_base_url"`
	LLMModel          string `json:"llm_model"`
	HasLLMKey         bool   `json:"has_llm_key"`
	TranscribeBaseURL string `json:"transcribe_base_url"`
	TranscribeModel   string `json:"transcribe_model"`
	HasTranscribeKey  bool   `json:"has_transcribe_key"`
	Scorer            string `json:"scorer"` // what scores now: "llm" or "builtin"
}

func (a *Server) getAISettings(c *fiber.Ctx) error {
	s, err := a.store.AISettings(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	v := aiSettingsView{LLMBaseURL: s.LLMBaseURL, LLMModel: s.LLMModel, HasLLMKey: len(s.LLMKey) > 0, TranscribeBaseURL: s.TranscribeBaseURL,
		TranscribeModel: s.TranscribeModel, HasTranscribeKey: len(s.TranscribeKey) > 0, Scorer: "builtin"}
	if s.LLMBaseURL != "" && s.LLMModel != "" {
		v.Scorer = "llm"
	}
	return c.JSON(fiber.Map{"ai": v})
}

type aiSettingsRequest struct {
	LLMBaseURL        string  `json:"llm_base_url"`
	LLMModel          string  `json:"llm_model"`
	LLMKey            *string `json:"llm_key"`
	TranscribeBaseURL string  `json:"transcribe_base_url"`
	TranscribeModel   string  `json:"transcribe_model"`
	TranscribeKey     *string `json:"transcribe_key"`
	// An empty key keeps the stored one (keys are never sent back, so the
	// form cannot resend them); these remove it instead.
	ClearLLMKey        bool `json:"clear_llm_key"`
	ClearTranscribeKey bool `json:"clear_transcribe_key"`
}

func (a *Server) putAISettings(c *fiber.Ctx, req aiSettingsRequest) error {
	ws := currentWorkspace(c)
	old, err := a.store.AISettings(c.UserContext(), ws.ID)
	if err != nil {
		return err
	}
	s := store.AISettings{LLMBaseURL: strings.TrimRight(strings.TrimSpace(req.LLMBaseURL), "/"), LLMModel: strings.TrimSpace(req.LLMModel),
		TranscribeBaseURL: strings.TrimRight(strings.TrimSpace(req.TranscribeBaseURL), "/"), TranscribeModel: strings.TrimSpace(req.TranscribeModel),
		LLMKey: old.LLMKey, TranscribeKey: old.TranscribeKey}
	fe := apperr.Fields{}
	fe.Add("llm_base_url", apperr.CheckHTTPURL(s.LLMBaseURL))
	fe.Add("transcribe_base_url", apperr.CheckHTTPURL(s.TranscribeBaseURL))
	if (s.LLMBaseURL == "") != (s.LLMModel == "") {
		fe.Add("llm_model", "give both the base URL and the model, or neither (the built-in scorer is used then)")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if req.ClearLLMKey {
		s.LLMKey = nil
	}
	if req.ClearTranscribeKey {
		s.TranscribeKey = nil
	}
	if req.LLMKey != nil && *req.LLMKey != "" {
		if s.LLMKey, err = a.box.Seal(secret.PurposeLLMKey, []byte(*req.LLMKey)); err != nil {
			return err
		}
	}
	if req.TranscribeKey != nil && *req.TranscribeKey != "" {
		if s.TranscribeKey, err = a.box.Seal(secret.PurposeTranscribeKey, []byte(*req.TranscribeKey)); err != nil {
			return err
		}
	}
	if err := a.store.SaveAISettings(c.UserContext(), ws.ID, s); err != nil {
		return err
	}
	return a.getAISettings(c)
}

func (a *Server) getWriteOptions(c *fiber.Ctx) error {
	o, err := a.store.WorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}

func (a *Server) putWriteOptions(c *fiber.Ctx, o store.WriteOptions) error {
	if err := a.store.SaveWorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID, o); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}
