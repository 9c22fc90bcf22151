package connections

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"

	_ "github.com/hireloop/hireloop/ats/all"
)

// newService builds the service alone, on a real SQLite file.
func newService(t *testing.T) (*Service, int64) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, "ops@example.com", "Ops", "x", true)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := st.CreateWorkspace(ctx, "Client", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	key, err := secret.LoadKey(strings.Repeat("k", 32), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Service{Store: st, Box: secret.NewBox(key), Log: slog.New(slog.DiscardHandler), BaseURL: "https://hire.example.com"}, ws.ID
}

func ptr[T any](v T) *T { return &v }

// Fields a connector cannot be built without are refused by name before
// any request reaches the vendor, and nothing is stored.
func TestCreateRefusesMissingFieldsByName(t *testing.T) {
	s, ws := newService(t)
	cases := []struct {
		req    Request
		fields []string
	}{
		{Request{Provider: "nope", APIKey: ptr("k")}, []string{"provider"}},
		{Request{Provider: "lever"}, []string{"api_key"}},
		{Request{Provider: "kombo", APIKey: ptr("k")}, []string{"integration_id"}},
		{Request{Provider: "greenhouse", APIKey: ptr("secret")}, []string{"integration_id", "acting_user_id"}},
		{Request{Provider: "lever", APIKey: ptr("k"), BaseURL: ptr("ftp://x"), SyncIntervalMinutes: ptr(int64(1))}, []string{"base_url", "sync_interval_minutes"}},
	}
	for _, c := range cases {
		_, err := s.Create(context.Background(), ws, c.req)
		e, ok := apperr.As(err)
		if !ok || e.Code != "invalid_input" {
			t.Fatalf("%+v: %v", c.req, err)
		}
		for _, f := range c.fields {
			if e.Fields[f] == "" {
				t.Errorf("%s: no message for %s in %v", c.req.Provider, f, e.Fields)
			}
		}
		if len(e.Fields) != len(c.fields) {
			t.Errorf("%s: fields %v, want exactly %v", c.req.Provider, e.Fields, c.fields)
		}
	}
	if cs, err := s.Store.Connections(context.Background(), ws); err != nil || len(cs) != 0 {
		t.Fatalf("refused connections were stored: %v %v", cs, err)
	}
}

func TestProvidersDescribeThemselves(t *testing.T) {
	s, _ := newService(t)
	ps := s.Providers()
	if len(ps) != 11 {
		t.Fatalf("%d providers without demo mode, want the 11 vendors", len(ps))
	}
	for _, p := range ps {
		if p.Name == ProviderSandbox {
			t.Fatal("the sandbox is offered only in demo mode")
		}
		if p.Title == "" || p.KeyHelp == "" || p.WebhookSetup == "" || p.Capabilities.Writes == nil {
			t.Errorf("%s is not described: %+v", p.Name, p)
		}
	}
	if Title("kombo") != "Kombo (100+ ATS)" || Title("unknown") != "unknown" {
		t.Fatal("titles")
	}
}
