// Package apperr holds the typed errors that hireloop's services return and
// its two front ends render: the HTTP API as {"error":{code,message,fields}}
// with the status, the command line as one line (field errors as flags).
// Services never import the HTTP layer; they say what went wrong here.
package apperr

import (
	"errors"
	"net/http"
	"sort"

	"github.com/hireloop/hireloop/store"
)

// Error is the one error shape of the API. Status is the HTTP status the
// API answers with (the CLI ignores it); Code is a stable identifier for
// scripts; Message is for people; Fields names the inputs at fault.
type Error struct {
	Status     int    `json:"-"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Fields     Fields `json:"fields,omitempty"`
	RetryAfter int    `json:"-"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// BadRequest is a request the caller must fix (malformed input).
func BadRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

// NotFound hides whether a thing exists when the caller may not see it.
func NotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "Not found."}
}

// Forbidden is a known caller without the right to do this.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

// Unauthenticated asks the caller to sign in.
func Unauthenticated() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in to continue."}
}

// Conflict is a request that the current state does not allow.
func Conflict(code, msg string) *Error {
	return &Error{Status: http.StatusConflict, Code: code, Message: msg}
}

// Unprocessable is a well-formed request refused for a reason of its own
// (a failed connection test, a position that does not exist).
func Unprocessable(code, msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: code, Message: msg}
}

// Gone is a link that worked once and no longer does.
func Gone(code, msg string) *Error {
	return &Error{Status: http.StatusGone, Code: code, Message: msg}
}

// NotFoundIs turns store.ErrNotFound into NotFound and passes anything
// else through.
func NotFoundIs(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return NotFound()
	}
	return err
}

// Fields collects validation messages per field; the first message for a
// field wins.
type Fields map[string]string

// Add records msg for field unless msg is empty or the field already failed.
func (f Fields) Add(field, msg string) {
	if msg != "" {
		if _, ok := f[field]; !ok {
			f[field] = msg
		}
	}
}

// Keys are the failed fields in sorted order.
func (f Fields) Keys() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Err returns a 422 invalid_input error when any field failed, else nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	// A stable first message reads better than a random map order.
	first := f.Keys()[0]
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Message: "Check the highlighted fields: " + first + " " + f[first] + ".", Fields: f}
}

// Field is the error of one failed field.
func Field(field, msg string) error {
	f := Fields{}
	f.Add(field, msg)
	return f.Err()
}

// As returns err as an *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
