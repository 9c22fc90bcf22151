package ats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"1700000005", 5 * time.Second, true}, // Greenhouse: Unix timestamp
		{"1699999990", 0, true},               // timestamp in the past
		{now.Add(7 * time.Second).UTC().Format(http.TimeFormat), 7 * time.Second, true},
		{"", 0, false},
		{"soon", 0, false},
		{"-1", 0, false},
	}
	for _, tc := range cases {
		got, ok := ParseRetryAfter(tc.in, now)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v,%v want %v,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNextLink(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://harvest.greenhouse.io/v1/candidates?page=2&per_page=2>; rel="next",
<https://harvest.greenhouse.io/v1/candidates?page=474&per_page=2>; rel="last"`)
	if got := NextLink(h); got != "https://harvest.greenhouse.io/v1/candidates?page=2&per_page=2" {
		t.Fatalf("NextLink = %q", got)
	}
	h = http.Header{"Link": {`<https://x/a?page=9>; rel="prev", <https://x/a?b=1,2>; rel=next`}}
	if got := NextLink(h); got != "https://x/a?b=1,2" {
		t.Fatalf("NextLink with comma in URL = %q", got)
	}
	if got := NextLink(http.Header{"Link": {`<https://x/a>; rel="last"`}}); got != "" {
		t.Fatalf("NextLink without next = %q", got)
	}
}

func TestIsTransientAndKinds(t *testing.T) {
	wrap := func(k error) error { return &Error{Provider: "p", Op: "GET /x", Err: k} }
	cases := []struct {
		err       error
		transient bool
	}{
		{wrap(ErrUnavailable), true},
		{wrap(&RateLimitedError{RetryAfter: time.Second}), true},
		{context.DeadlineExceeded, true},
		{wrap(ErrUnauthorized), false},
		{wrap(ErrNotFound), false},
		{wrap(&InvalidInputError{VendorMessage: "bad"}), false},
		{wrap(ErrUnsupported), false},
		{context.Canceled, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := IsTransient(tc.err); got != tc.transient {
			t.Errorf("IsTransient(%v) = %v", tc.err, got)
		}
	}
	e := wrap(&InvalidInputError{VendorMessage: "Must be one of: candidate, prospect", Fields: []FieldError{{"type", "bad"}}})
	if VendorMessage(e) != "Must be one of: candidate, prospect" {
		t.Errorf("VendorMessage = %q", VendorMessage(e))
	}
	var iie *InvalidInputError
	if !errors.As(e, &iie) || len(iie.Fields) != 1 {
		t.Errorf("errors.As InvalidInputError failed")
	}
	if d, ok := RetryAfter(wrap(&RateLimitedError{RetryAfter: 3 * time.Second})); !ok || d != 3*time.Second {
		t.Errorf("RetryAfter = %v %v", d, ok)
	}
	if !strings.Contains(wrap(ErrUnauthorized).Error(), "API key") {
		t.Errorf("unauthorized message should mention the API key: %v", wrap(ErrUnauthorized))
	}
}

func TestRegistry(t *testing.T) {
	name := "zz-test-provider"
	Register(name, func(c Config) (Connector, error) { return nil, fmt.Errorf("built with %s", c.APIKey) })
	defer unregisterForTest(name)
	found := false
	for _, n := range Providers() {
		found = found || n == name
	}
	if !found {
		t.Fatalf("Providers() = %v, missing %s", Providers(), name)
	}
	if _, err := New(name, Config{APIKey: "k"}); err == nil || err.Error() != "built with k" {
		t.Fatalf("New did not call factory: %v", err)
	}
	if _, err := New("nope", Config{}); err == nil || !strings.Contains(err.Error(), "unknown provider") {
		t.Fatalf("New(unknown) = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate Register did not panic")
		}
	}()
	Register(name, func(Config) (Connector, error) { return nil, nil })
}

func TestCapabilitiesValidateAndCheck(t *testing.T) {
	c := Capabilities{Provider: "p", StageScope: StagesPerJob, Writes: map[WriteAction]ActionSupport{}}
	if err := c.Validate(); err == nil {
		t.Fatal("missing actions must fail validation")
	}
	for _, a := range AllActions {
		c.Writes[a] = ActionSupport{Supported: true, Target: TargetApplication, Transport: TransportBase64}
	}
	c.Writes[ActionResultLink] = ActionSupport{Reason: "no links in this ATS"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	err := c.Check(ActionResultLink)
	if !errors.Is(err, ErrUnsupported) || VendorMessage(err) != "no links in this ATS" {
		t.Fatalf("Check unsupported = %v", err)
	}
	if err := c.Check(ActionNote); err != nil {
		t.Fatal(err)
	}
	cl := c.Clone()
	cl.Writes[ActionNote] = ActionSupport{Reason: "x"}
	if !c.Supports(ActionNote) {
		t.Fatal("Clone shares the Writes map")
	}
}

func TestVerifyHMAC(t *testing.T) {
	body := []byte(`{"action":"ping"}`)
	sig := HMACSHA256("s3cret", body)
	hexSig := fmt.Sprintf("%x", sig)
	if err := VerifyHMACHex("s3cret", body, hexSig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyHMACHex("s3cret", body, strings.ToUpper(hexSig)); err != nil {
		t.Fatal("upper-case hex rejected:", err)
	}
	if err := VerifyHMACHex("other", body, hexSig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("wrong secret accepted")
	}
	if err := VerifyHMACHex("s3cret", append(body, ' '), hexSig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("tampered body accepted")
	}
	if err := VerifyHMACHex("", body, hexSig); !errors.Is(err, ErrWebhookSecretMissing) {
		t.Fatal("empty secret accepted")
	}
	if err := VerifyHMACHex("s3cret", body, "zz"); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("garbage accepted")
	}
	b64 := strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(stdB64(sig)), "=")
	if err := VerifyHMACBase64URL("s3cret", body, b64); err != nil {
		t.Fatal(err)
	}
	if err := VerifyHMACBase64URL("s3cret", body, b64+"="); err != nil {
		t.Fatal("padded base64url rejected:", err)
	}
	if err := VerifyHMACBase64URL("x", body, b64); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("wrong secret accepted")
	}
	if err := VerifyHMACBase64URL("s3cret", body, ""); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("missing base64url signature accepted")
	}
	if err := VerifyHMACBase64URL("", body, ""); !errors.Is(err, ErrWebhookSecretMissing) {
		t.Fatal("empty secret not reported first")
	}
	if BodyDigestID(body) != BodyDigestID(body) || BodyDigestID(body) == BodyDigestID(append(body, ' ')) {
		t.Fatal("BodyDigestID not a stable digest")
	}
}

func TestFlexJSON(t *testing.T) {
	var v struct {
		A, B, C                FlexID
		T1, T2, T3, T4, T5, T6 FlexTime
	}
	in := `{"A":9007199254740993,"B":"abc","C":null,
	"T1":"2016-03-26T20:11:39.000Z","T2":"2024-01-02","T3":1700000000000,"T4":null,"T5":"garbage","T6":"2023-04-03T18:06:18Z"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "9007199254740993" || v.B != "abc" || v.C != "" {
		t.Fatalf("ids = %q %q %q", v.A, v.B, v.C)
	}
	if v.T1.Format(time.RFC3339) != "2016-03-26T20:11:39Z" || v.T2.Format("2006-01-02") != "2024-01-02" ||
		v.T3.Unix() != 1_700_000_000 || !v.T4.IsZero() || !v.T5.IsZero() || v.T6.IsZero() {
		t.Fatalf("times = %+v", v)
	}
	for in, want := range map[string]string{
		`"Berlin"`:                              "Berlin",
		`{"name":"New York, NY","id":1}`:        "New York, NY",
		`{"city":"Berlin","country":"DE"}`:      "Berlin, DE",
		`{"location":{"name":"x"},"raw":"Raw"}`: "Raw",
		`null`:                                  "",
		`[1]`:                                   "",
	} {
		if got := FlexName(json.RawMessage(in)); got != want {
			t.Errorf("FlexName(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestPageSize(t *testing.T) {
	for _, tc := range []struct{ req, def, max, want int }{{0, 100, 500, 100}, {5, 100, 500, 5}, {900, 100, 500, 500}, {-1, 30, 30, 30}} {
		if got := PageSize(tc.req, tc.def, tc.max); got != tc.want {
			t.Errorf("PageSize(%d, %d, %d) = %d, want %d", tc.req, tc.def, tc.max, got, tc.want)
		}
	}
}

func TestDecodeRows(t *testing.T) {
	rows := []json.RawMessage{json.RawMessage(`{"id":"a"}`), json.RawMessage(`{"id":""}`), json.RawMessage(`{"id":"b"}`)}
	type row struct{ ID string }
	got, err := DecodeRows("acme", "GET /things", rows, func(r row, raw json.RawMessage) (string, bool) { return r.ID, r.ID != "" })
	if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("DecodeRows = %v, %v", got, err)
	}
	_, err = DecodeRows("acme", "GET /things", []json.RawMessage{json.RawMessage(`{"id":1}`)}, func(r row, _ json.RawMessage) (string, bool) { return r.ID, true })
	var e *Error
	if !errors.Is(err, ErrMalformedResponse) || !errors.As(err, &e) || e.Provider != "acme" || e.Op != "GET /things" {
		t.Fatalf("a row of the wrong shape: %v", err)
	}
}
