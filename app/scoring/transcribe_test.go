package scoring

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type gotUpload struct {
	path, auth, model, format, filename, fileType string
	file                                          []byte
	contentLength                                 int64
}

func newFakeWhisper(t *testing.T, status int, body string) (*httptest.Server, func() []gotUpload) {
	var mu sync.Mutex
	var got []gotUpload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g := gotUpload{path: r.URL.Path, auth: r.Header.Get("Authorization"), contentLength: r.ContentLength}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		g.model, g.format = r.FormValue("model"), r.FormValue("response_format")
		if f, h, err := r.FormFile("file"); err == nil {
			g.filename, g.fileType = h.Filename, h.Header.Get("Content-Type")
			g.file, _ = io.ReadAll(f)
			f.Close()
		}
		mu.Lock()
		got = append(got, g)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []gotUpload { mu.Lock(); defer mu.Unlock(); return append([]gotUpload(nil), got...) }
}

func TestTranscribeMultipart(t *testing.T) {
	srv, got := newFakeWhisper(t, 200, `{"text": "  I built the billing service.  "}`)
	tr, err := NewTranscriber(TranscriberConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "whisper-large-v3"})
	if err != nil {
		t.Fatal(err)
	}
	audio := []byte("RIFF....WAVEfmt fake audio bytes")
	path := filepath.Join(t.TempDir(), "answer.webm")
	if err := os.WriteFile(path, audio, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	readers := map[string]io.Reader{
		"sized":   bytes.NewReader(audio),
		"unsized": io.MultiReader(bytes.NewReader(audio[:5]), bytes.NewReader(audio[5:])),
		"file":    file,
	}
	for name, r := range readers {
		text, err := tr.Transcribe(context.Background(), "/uploads/x/answer.webm", "audio/webm", r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if text != "I built the billing service." {
			t.Fatalf("%s: text = %q", name, text)
		}
	}
	ups := got()
	if len(ups) != 3 {
		t.Fatalf("uploads = %d", len(ups))
	}
	for _, g := range ups {
		if g.path != "/v1/audio/transcriptions" || g.auth != "Bearer sk-test" || g.model != "whisper-large-v3" || g.format != "json" {
			t.Fatalf("request: %+v", g)
		}
		if g.filename != "answer.webm" || g.fileType != "audio/webm" || !bytes.Equal(g.file, audio) || g.contentLength <= int64(len(audio)) {
			t.Fatalf("file part: %+v", g)
		}
	}
}

func TestTranscribeDefaultsAndNoKey(t *testing.T) {
	srv, got := newFakeWhisper(t, 200, `{"text": ""}`)
	tr, err := NewTranscriber(TranscriberConfig{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	text, err := tr.Transcribe(context.Background(), "", "", strings.NewReader("x"))
	if err != nil || text != "" {
		t.Fatalf("text %q err %v", text, err)
	}
	g := got()[0]
	if g.auth != "" || g.model != "whisper-1" || g.filename != "recording" {
		t.Fatalf("request: %+v", g)
	}
}

func TestTranscribeErrors(t *testing.T) {
	srv, _ := newFakeWhisper(t, 400, `{"error": {"message": "Invalid file format. Supported formats: flac, mp3, webm", "type": "invalid_request_error"}}`)
	tr, _ := NewTranscriber(TranscriberConfig{BaseURL: srv.URL, APIKey: "sk-secret"})
	_, err := tr.Transcribe(context.Background(), "a.bin", "application/octet-stream", strings.NewReader("x"))
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Retryable() {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "Invalid file format") || strings.Contains(err.Error(), "sk-secret") {
		t.Fatalf("err = %v", err)
	}

	srv2, _ := newFakeWhisper(t, 200, `Hello there`)
	tr2, _ := NewTranscriber(TranscriberConfig{BaseURL: srv2.URL})
	if _, err := tr2.Transcribe(context.Background(), "a.mp3", "audio/mpeg", strings.NewReader("x")); err == nil {
		t.Fatal("a non-JSON answer should be an error")
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	tr3, _ := NewTranscriber(TranscriberConfig{BaseURL: slow.URL, Timeout: 100 * time.Millisecond})
	if _, err := tr3.Transcribe(context.Background(), "a.mp3", "audio/mpeg", strings.NewReader("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a timeout", err)
	}

	if _, err := NewTranscriber(TranscriberConfig{BaseURL: "localhost:9000"}); err == nil {
		t.Fatal("a URL without scheme should be rejected")
	}
}
