package api

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openapiDoc describes the API. It is written by hand, and
// TestOpenAPIMatchesRoutes fails when it and the registered routes differ.
//
//go:embed openapi.json
var openapiDoc []byte

func (a *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openapiDoc)
}
