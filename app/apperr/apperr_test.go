package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/hireloop/hireloop/store"
)

func TestFieldsErrNamesTheFirstFieldInOrder(t *testing.T) {
	fe := Fields{}
	if fe.Err() != nil {
		t.Fatal("no failed field must be no error")
	}
	fe.Add("name", "is required")
	fe.Add("email", "must be a valid email address")
	fe.Add("email", "a second message is ignored")
	fe.Add("role", "")
	e, ok := As(fe.Err())
	if !ok || e.Status != http.StatusUnprocessableEntity || e.Code != "invalid_input" {
		t.Fatalf("got %#v", fe.Err())
	}
	if e.Message != "Check the highlighted fields: email must be a valid email address." {
		t.Fatalf("message %q", e.Message)
	}
	if len(e.Fields) != 2 || e.Fields["email"] != "must be a valid email address" {
		t.Fatalf("fields %v", e.Fields)
	}
}

func TestNotFoundIsOnlyTranslatesTheStoresNotFound(t *testing.T) {
	if e, ok := As(NotFoundIs(fmt.Errorf("wrapped: %w", store.ErrNotFound))); !ok || e.Status != http.StatusNotFound {
		t.Fatalf("store.ErrNotFound not translated: %v", e)
	}
	other := errors.New("disk full")
	if NotFoundIs(other) != other {
		t.Fatal("other errors must pass through unchanged")
	}
	if NotFoundIs(nil) != nil {
		t.Fatal("nil must stay nil")
	}
}

func TestChecks(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{CheckEmail(""), "is required"},
		{CheckEmail("Ada <ada@example.com>"), "must be a valid email address"},
		{CheckEmail("ada@example.com"), ""},
		{CheckName(" ", true, 10), "is required"},
		{CheckName("", false, 10), ""},
		{CheckName("eleven chars", true, 10), "must be at most 10 characters"},
		{CheckPassword("short"), "must be at least 10 characters"},
		{CheckPassword("long enough password"), ""},
		{CheckHTTPURL("ftp://x"), "must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:11434/v1"},
		{CheckHTTPURL("http://localhost:11434/v1"), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}
