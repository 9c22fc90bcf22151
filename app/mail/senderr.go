package mail

// How a send failure is reported: permanent or worth a retry, and whether
// the server may hold the message all the same.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// IsPermanent reports whether err is a failure that retrying will not fix:
// a 5xx reply to that message's recipient or content (unknown mailbox,
// rejected message) or a message that cannot be built (invalid address).
// Connection failures, timeouts, cancellations, authentication problems and
// 4xx replies are transient.
func IsPermanent(err error) bool {
	var se *sendError
	return errors.As(err, &se) && se.permanent
}

// MaybeDelivered reports whether a failed message may have reached the
// server anyway: the whole message was written, and the connection was
// lost, timed out or cancelled before the server's reply. Sending it again
// may deliver it twice.
func MaybeDelivered(err error) bool {
	var se *sendError
	return errors.As(err, &se) && se.maybeDelivered
}

// sendError is what Send reports per message.
type sendError struct {
	code           int // SMTP reply code; 0 when the server gave none
	permanent      bool
	maybeDelivered bool
	reason         gomail.SendErrReason
	err            error
}

func (e *sendError) Error() string { return unquoteReplies(e.err.Error()) }
func (e *sendError) Unwrap() error { return e.err }

// quotedReply matches net/textproto's rendering of a server reply,
// `550 "5.1.1 user unknown"`.
var quotedReply = regexp.MustCompile(`\b([2-5]\d\d) ("(?:[^"\\]|\\.)*")`)

// unquoteReplies shows server replies as the server sent them:
// `550 5.1.1 user unknown`.
func unquoteReplies(s string) string {
	return quotedReply.ReplaceAllStringFunc(s, func(m string) string {
		code, q, _ := strings.Cut(m, " ")
		if u, err := strconv.Unquote(q); err == nil {
			return code + " " + u
		}
		return m
	})
}

// resendable reports whether the message certainly was not accepted, so that
// sending it again on a new connection cannot duplicate it. A connection lost
// while waiting for the reply to the final "." is ambiguous.
func (e *sendError) resendable() bool {
	return e.code == 421 || (e.code == 0 && e.reason != gomail.ErrSMTPDataClose)
}

func cancelled(err error) *sendError {
	return &sendError{err: fmt.Errorf("mail: send cancelled: %w", err)}
}

// classify wraps a go-mail send error for the recipients rcpts.
func classify(rcpts []string, err error) *sendError {
	se := &sendError{err: fmt.Errorf("mail: send to %s: %w", strings.Join(rcpts, ", "), err), reason: gomail.ErrAmbiguous}
	var gse *gomail.SendError
	if errors.As(err, &gse) {
		se.code = gse.ErrorCode()
		se.reason = gse.Reason
	}
	se.maybeDelivered = se.code == 0 && se.reason == gomail.ErrSMTPDataClose
	switch se.reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		// Replies about this recipient or this content. A 5xx to MAIL FROM
		// concerns the workspace's sender settings and is left transient.
		se.permanent = se.code >= 500 && se.code <= 599
	case gomail.ErrGetRcpts, gomail.ErrGetSender, gomail.ErrNoUnencoded:
		se.permanent = true
	}
	return se
}
