package results

import (
	"crypto/hmac"
	"fmt"
	"strconv"
	"time"
)

// Signed, expiring URLs let an ATS that pulls attachments from a URL
// (Teamtailor-style "url_pull" transport) fetch a report without an
// account. The signature is an HMAC under a key derived from the instance
// key, over the result id and the expiry.

// ReportURLTTL is how long a signed report link works.
const ReportURLTTL = 24 * time.Hour

func (w *Worker) reportSignature(resultID, exp int64) string {
	return w.d.Box.MAC("hireloop report urls", fmt.Sprintf("report:%d:%d", resultID, exp))
}

// SignedReportURL is a public URL to a result's PDF, valid for ttl.
func (w *Worker) SignedReportURL(resultID int64, ttl time.Duration) string {
	exp := w.d.Now().Add(ttl).Unix()
	return fmt.Sprintf("%s/files/reports/%d?exp=%d&sig=%s", w.d.BaseURL, resultID, exp, w.reportSignature(resultID, exp))
}

// CheckReportLink tells whether a signed report link is genuine (ok) and
// still valid (!expired).
func (w *Worker) CheckReportLink(resultID int64, expParam, sig string) (ok, expired bool) {
	exp, err := strconv.ParseInt(expParam, 10, 64)
	if err != nil || !hmac.Equal([]byte(sig), []byte(w.reportSignature(resultID, exp))) {
		return false, false
	}
	return true, w.d.Now().Unix() > exp
}
