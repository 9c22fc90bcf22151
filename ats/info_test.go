package ats_test

import (
	"testing"

	"github.com/hireloop/hireloop/ats"
	_ "github.com/hireloop/hireloop/ats/all"
)

// TestEveryProviderDescribesItself keeps the console's connect form whole:
// a connector without its Info would show an empty form.
func TestEveryProviderDescribesItself(t *testing.T) {
	names := ats.Providers()
	if len(names) == 0 {
		t.Fatal("no providers registered; ats/all imports none")
	}
	for _, name := range names {
		info, ok := ats.InfoOf(name)
		if !ok {
			t.Errorf("%s: no Info registered (call ats.RegisterInfo from init)", name)
			continue
		}
		if info.Title == "" {
			t.Errorf("%s: empty Title", name)
		}
		if info.KeyHelp == "" {
			t.Errorf("%s: empty KeyHelp", name)
		}
		if info.WebhookSetup == "" {
			t.Errorf("%s: empty WebhookSetup", name)
		}
		if info.Fields == nil {
			t.Errorf("%s: nil Fields", name)
		}
	}
}

func TestInfoOfReturnsACopy(t *testing.T) {
	name := ats.Providers()[0]
	a, _ := ats.InfoOf(name)
	a.Fields[0] = "changed"
	a.Labels = nil
	b, _ := ats.InfoOf(name)
	if b.Fields[0] == "changed" {
		t.Fatalf("%s: InfoOf shares Fields with the registry", name)
	}
	if _, ok := ats.InfoOf("no-such-provider"); ok {
		t.Fatal("InfoOf(unknown) = ok")
	}
}
