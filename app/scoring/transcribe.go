package scoring

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TranscriberConfig points the transcriber at an OpenAI-compatible
// /audio/transcriptions endpoint (OpenAI, faster-whisper-server/Speaches,
// LocalAI, whisper.cpp behind an OpenAI-compatible proxy).
type TranscriberConfig struct {
	BaseURL string        // e.g. https://api.openai.com/v1
	APIKey  string        // sent as a Bearer token when set
	Model   string        // default "whisper-1"
	Timeout time.Duration // per request; default 10 minutes
}

// Transcriber turns a recording into text.
type Transcriber interface {
	Transcribe(ctx context.Context, filename, contentType string, r io.Reader) (string, error)
}

// NewTranscriber returns a Transcriber that POSTs {BaseURL}/audio/transcriptions
// as multipart (file, model, response_format=json) and reads {"text": ...}.
func NewTranscriber(c TranscriberConfig) (Transcriber, error) {
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("scoring: the transcription base URL must be an http(s) URL, such as https://api.openai.com/v1")
	}
	if c.Model = strings.TrimSpace(c.Model); c.Model == "" {
		c.Model = "whisper-1"
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Minute
	}
	return &transcriber{c: c, client: &http.Client{}}, nil
}

type transcriber struct {
	c      TranscriberConfig
	client *http.Client
}

func (t *transcriber) Transcribe(ctx context.Context, filename, contentType string, r io.Reader) (string, error) {
	filename = filepath.Base(strings.TrimSpace(filename))
	if filename == "" || filename == "." || filename == "/" {
		filename = "recording"
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	// The body is prefix + the file + suffix, streamed with a known length
	// when the reader's size is known (no chunked upload for servers that
	// dislike it), otherwise buffered.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("model", t.c.Model)
	_ = mw.WriteField("response_format", "json")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, quoteEscaper.Replace(filename)))
	h.Set("Content-Type", contentType)
	if _, err := mw.CreatePart(h); err != nil {
		return "", fmt.Errorf("scoring: %w", err)
	}
	prefix := bytes.Clone(buf.Bytes())
	buf.Reset()
	_ = mw.Close()
	suffix := bytes.Clone(buf.Bytes())

	size := readerSize(r)
	if size < 0 {
		b, err := io.ReadAll(r)
		if err != nil {
			return "", fmt.Errorf("scoring: unable to read the recording: %w", err)
		}
		r, size = bytes.NewReader(b), int64(len(b))
	}
	ctx, cancel := context.WithTimeout(ctx, t.c.Timeout)
	defer cancel()
	body := io.MultiReader(bytes.NewReader(prefix), io.LimitReader(r, size), bytes.NewReader(suffix))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.c.BaseURL+"/audio/transcriptions", body)
	if err != nil {
		return "", fmt.Errorf("scoring: %w", err)
	}
	req.ContentLength = int64(len(prefix)) + size + int64(len(suffix))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	if t.c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+t.c.APIKey)
	}
	b, status, err := doHTTP(ctx, t.client, req, t.c.Timeout, "transcription")
	if err != nil {
		return "", err
	}
	if status < 200 || status > 299 {
		return "", apiError(status, b)
	}
	var out struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Text == nil {
		return "", fmt.Errorf("scoring: the transcription API did not answer with {\"text\": ...}")
	}
	return strings.TrimSpace(*out.Text), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

// readerSize returns the bytes left in r, or -1 when unknown.
func readerSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case *os.File:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - pos
	}
	return -1
}
