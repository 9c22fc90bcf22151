package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AISettings are a workspace's scoring and transcription endpoints.
// Keys are sealed.
type AISettings struct {
	LLMBaseURL, LLMModel               string
	LLMKey                             []byte
	TranscribeBaseURL, TranscribeModel string
	TranscribeKey                      []byte
}

// AISettings loads the settings; zero values when never saved.
func (s *Store) AISettings(ctx context.Context, workspaceID int64) (AISettings, error) {
	var a AISettings
	err := s.r.QueryRowContext(ctx, `SELECT llm_base_url, llm_model, llm_key, transcribe_base_url, transcribe_model, transcribe_key
		FROM ai_settings WHERE workspace_id = ?`, workspaceID).Scan(&a.LLMBaseURL, &a.LLMModel, &a.LLMKey, &a.TranscribeBaseURL,
		&a.TranscribeModel, &a.TranscribeKey)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("store: unable to load AI settings: %w", err)
	}
	return a, nil
}

// SaveAISettings stores the settings.
func (s *Store) SaveAISettings(ctx context.Context, workspaceID int64, a AISettings) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO ai_settings (workspace_id, llm_base_url, llm_model, llm_key, transcribe_base_url, transcribe_model,
		transcribe_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET llm_base_url = excluded.llm_base_url,
		llm_model = excluded.llm_model, llm_key = excluded.llm_key, transcribe_base_url = excluded.transcribe_base_url,
		transcribe_model = excluded.transcribe_model, transcribe_key = excluded.transcribe_key, updated_at = excluded.updated_at`,
		workspaceID, a.LLMBaseURL, a.LLMModel, a.LLMKey, a.TranscribeBaseURL, a.TranscribeModel, a.TranscribeKey, s.unix())
	return err
}
