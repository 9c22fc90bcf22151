package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Signed, expiring URLs let an ATS that pulls attachments from a URL
// (Teamtailor-style "url_pull" transport) fetch a report without an
// account. The signature is an HMAC under a key derived from the instance
// key, over the result id and the expiry.

const reportURLTTL = 24 * time.Hour

func (a *App) reportSignature(resultID, exp int64) string {
	k := sha256.Sum256(append([]byte("hireloop report urls\x00"), a.key...))
	m := hmac.New(sha256.New, k[:])
	fmt.Fprintf(m, "report:%d:%d", resultID, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// signedReportURL is a public URL to a result's PDF, valid for ttl.
func (a *App) signedReportURL(resultID int64, ttl time.Duration) string {
	exp := a.now().Add(ttl).Unix()
	return fmt.Sprintf("%s/files/reports/%d?exp=%d&sig=%s", a.cfg.BaseURL, resultID, exp, a.reportSignature(resultID, exp))
}

// signedReport serves a report to a holder of a valid, unexpired link.
func (a *App) signedReport(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("rid"), 10, 64)
	if err != nil {
		return errNotFound()
	}
	exp, err := strconv.ParseInt(c.Query("exp"), 10, 64)
	if err != nil || !hmac.Equal([]byte(c.Query("sig")), []byte(a.reportSignature(id, exp))) {
		return errNotFound()
	}
	if a.now().Unix() > exp {
		return &apiError{Status: fiber.StatusGone, Code: "link_expired", Message: "This report link has expired."}
	}
	r, err := a.store.ResultForWorker(c.UserContext(), id)
	if err != nil || r.ReportPath == "" {
		return errNotFound()
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, attachmentName(id)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(r.ReportPath)
}
