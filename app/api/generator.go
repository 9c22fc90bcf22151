package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/interview"
)

type generateRequest struct {
	Title          string `json:"title"`
	JobDescription string `json:"job_description"`
}

func (a *Server) generateQuestions(c *fiber.Ctx, req generateRequest) error {
	if strings.TrimSpace(req.JobDescription) == "" {
		fe := apperr.Fields{}
		fe.Add("job_description", "is required")
		return fe.Err()
	}
	return c.JSON(fiber.Map{"questions": interview.GenerateQuestions(req.Title, req.JobDescription, 8), "generator": "built-in", "note": interview.GeneratorNote})
}
