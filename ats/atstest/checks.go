package atstest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats"
)

// All collects every row a connector list method yields with default
// options (for example All(t, c.ListJobs)), failing the test on an error.
func All[T any](t testing.TB, list func(context.Context, ats.ListOptions, func([]T) error) error) []T {
	t.Helper()
	var rows []T
	if err := list(context.Background(), ats.ListOptions{}, func(p []T) error { rows = append(rows, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

// WantInvalidInput fails the test unless every error in cases (keyed by a
// description) is an *ats.InvalidInputError and f received no write:
// connectors reject invalid input before sending anything.
func WantInvalidInput(t testing.TB, f Fake, cases map[string]error) {
	t.Helper()
	for name, err := range cases {
		var iie *ats.InvalidInputError
		if !errors.As(err, &iie) {
			t.Errorf("%s: %v, want InvalidInputError", name, err)
		}
	}
	if n := len(f.Writes()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

// WantNeedsActingUser fails the test unless every error in errs is
// ats.ErrNotConfigured naming what (how the vendor names the acting user)
// and f received no request since it had received before: a write that
// must act as a user is refused before it is sent.
func WantNeedsActingUser(t testing.TB, f Fake, before int, errs []error, what string) {
	t.Helper()
	for i, err := range errs {
		if !errors.Is(err, ats.ErrNotConfigured) || !strings.Contains(err.Error(), what) {
			t.Errorf("write %d: %v, want ErrNotConfigured naming %s", i, err, what)
		}
	}
	if f.Requests() != before {
		t.Fatalf("%d requests sent without an acting user", f.Requests()-before)
	}
}

// Registered fails the test unless name is a registered provider that
// ats.New builds from cfg and that declares capabilities which validate;
// it returns the connector and the capabilities for vendor checks.
func Registered(t testing.TB, name string, cfg ats.Config) (ats.Connector, ats.Capabilities) {
	t.Helper()
	if !slices.Contains(ats.Providers(), name) {
		t.Fatalf("%s not registered", name)
	}
	c, err := ats.New(name, cfg)
	if err != nil || c.Name() != name {
		t.Fatalf("ats.New: %v", err)
	}
	cp, ok := ats.Declared(name)
	if !ok || cp.Validate() != nil {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	return c, cp
}

// WantNotConfigured fails the test unless ats.New rejects every one of
// cfgs for name with ats.ErrNotConfigured.
func WantNotConfigured(t testing.TB, name string, cfgs ...ats.Config) {
	t.Helper()
	for _, cfg := range cfgs {
		if _, err := ats.New(name, cfg); !errors.Is(err, ats.ErrNotConfigured) {
			t.Errorf("config %+v: %v, want ErrNotConfigured", cfg, err)
		}
	}
}

// Multipart returns a reader over the parts of a recorded
// multipart/form-data request, failing the test if it is not one.
func Multipart(t testing.TB, r RecordedRequest) *multipart.Reader {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q, want multipart/form-data", r.Header.Get("Content-Type"))
	}
	return multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
}

// NextPart returns the next part of mr and its content, failing the test
// when there is none.
func NextPart(t testing.TB, mr *multipart.Reader) (*multipart.Part, []byte) {
	t.Helper()
	p, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(p)
	return p, data
}

// WantFilePart fails the test unless the next part of mr is the file
// field carrying a's name, content type and data.
func WantFilePart(t testing.TB, mr *multipart.Reader, field string, a ats.Attachment) {
	t.Helper()
	p, data := NextPart(t, mr)
	if p.FormName() != field || p.FileName() != a.Name || p.Header.Get("Content-Type") != a.ContentType || string(data) != string(a.Data) {
		t.Fatalf("file part %q %q %q %q", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data)
	}
}
