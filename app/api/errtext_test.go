package api

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats"
)

// What people without the admin role see of a failure names its kind and
// none of the remote side's words.
func TestErrorCategoryHidesRemoteText(t *testing.T) {
	const secret = "10.1.2.3 says: internal banner"
	for _, c := range []struct {
		msg, want string
	}{
		{(&ats.Error{Provider: "greenhouse", Op: "GET /v1/applications", Status: 401, Err: ats.ErrUnauthorized, Message: secret}).Error(), "authentication failed (HTTP 401)"},
		{"reading applications: " + (&ats.Error{Provider: "lever", Op: "GET /x", Status: 404, Err: ats.ErrNotFound, Message: secret}).Error(), "not found (HTTP 404)"},
		{(&ats.Error{Provider: "ashby", Op: "POST /x", Status: 502, Err: ats.ErrUnavailable, Message: secret}).Error(), "server error 502"},
		{(&ats.Error{Provider: "kombo", Op: "POST /x", Status: 422, Err: &ats.InvalidInputError{VendorMessage: secret}}).Error(), "request refused (HTTP 422)"},
		{(&ats.Error{Provider: "merge", Op: "GET /x", Err: ats.ErrUnavailable, Message: "dial tcp " + secret}).Error(), "unreachable (network error or timeout)"},
		{(&ats.Error{Provider: "merge", Op: "GET /x", Status: 200, Err: ats.ErrMalformedResponse, Message: secret}).Error(), "unexpected response"},
		{"scoring: model API returned HTTP 401 (invalid_request_error): " + secret, "authentication failed (HTTP 401)"},
		{fmt.Sprintf("scoring: the LLM API timed out after 1m0s: %v", errors.New("context deadline exceeded")), "unreachable (network error or timeout)"},
		{"interrupted by a restart: the process running it stopped", "interrupted"},
		{secret, "failed (an admin of the workspace can see the details)"},
		{"", ""},
	} {
		got := errorCategory(c.msg)
		if got != c.want || strings.Contains(got, "banner") || strings.Contains(got, "10.1") {
			t.Errorf("errorCategory(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}
