package app

import (
	"fmt"
	"testing"
)

// TestAIKeysCanBeRemoved: an empty key keeps the stored one, and
// clear_llm_key / clear_transcribe_key remove it (the form cannot send a
// stored key back, so removal is its own flag).
func TestAIKeysCanBeRemoved(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	path := fmt.Sprintf("/api/workspaces/%d/ai", wid)
	ai := func(body map[string]any) map[string]any {
		t.Helper()
		return admin.mustStatus(200, "PUT", path, body).json(t)["ai"].(map[string]any)
	}
	base := map[string]any{"llm_base_url": "https://llm.example/v1", "llm_model": "m", "transcribe_base_url": "https://stt.example/v1", "transcribe_model": "w"}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	v := ai(with(map[string]any{"llm_key": "sk-llm", "transcribe_key": "sk-stt"}))
	if v["has_llm_key"] != true || v["has_transcribe_key"] != true {
		t.Fatalf("keys not stored: %v", v)
	}
	if v = ai(with(map[string]any{"llm_key": ""})); v["has_llm_key"] != true || v["has_transcribe_key"] != true {
		t.Fatalf("an empty key must keep the stored one: %v", v)
	}
	if v = ai(with(map[string]any{"clear_llm_key": true})); v["has_llm_key"] != false || v["has_transcribe_key"] != true {
		t.Fatalf("clear_llm_key: %v", v)
	}
	if v = ai(with(map[string]any{"clear_transcribe_key": true})); v["has_transcribe_key"] != false {
		t.Fatalf("clear_transcribe_key: %v", v)
	}
}
