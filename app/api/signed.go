package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/writeback"
)

// signedReport serves a report to a holder of a valid, unexpired link
// (see results.Worker.SignedReportURL).
func (a *Server) signedReport(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("rid"), 10, 64)
	if err != nil {
		return apperr.NotFound()
	}
	ok, expired := a.results.CheckReportLink(id, c.Query("exp"), c.Query("sig"))
	if !ok {
		return apperr.NotFound()
	}
	if expired {
		return apperr.Gone("link_expired", "This report link has expired.")
	}
	r, err := a.store.ResultForWorker(c.UserContext(), id)
	if err != nil || r.ReportPath == "" {
		return apperr.NotFound()
	}
	return sendReport(c, r.ReportPath, writeback.AttachmentName(id))
}
