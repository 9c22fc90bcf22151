package api

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/syncer"
)

// atsWebhook receives an ATS delivery at /webhooks/ats/<token>; the sync
// engine checks, records and acts on it (syncer.Engine.Intake).
func (a *Server) atsWebhook(c *fiber.Ctx) error {
	headers := http.Header{}
	for k, vs := range c.GetReqHeaders() {
		for _, v := range vs {
			headers.Add(k, v)
		}
	}
	body := append([]byte(nil), c.Body()...)
	reply, err := a.syncs.Intake(c.UserContext(), syncer.Delivery{Token: c.Params("token"), Header: headers, Body: body, IP: c.IP()})
	if err != nil {
		return err
	}
	if hs := reply.Handshake; hs != nil {
		for k, vs := range hs.Header {
			for _, v := range vs {
				c.Response().Header.Add(k, v)
			}
		}
		status := hs.Status
		if status == 0 {
			status = http.StatusOK
		}
		return c.Status(status).Send(hs.Body)
	}
	return c.Status(reply.Status).JSON(fiber.Map{"status": reply.Word})
}
