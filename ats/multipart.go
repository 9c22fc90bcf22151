package ats

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// FormFile is one file part of a multipart/form-data body.
type FormFile struct {
	Field       string // form field name ("file", "attachment[file]")
	FileName    string
	ContentType string // defaults to application/octet-stream
	Data        []byte
}

// FormField is one plain part; order is kept because some vendors read
// fields in order.
type FormField struct{ Name, Value string }

// Multipart encodes fields then files as multipart/form-data and returns
// the body and its Content-Type (with boundary) for Request.Body and
// Request.ContentType. It is built in memory: every vendor caps uploads far
// below our report sizes (a few hundred KiB), and a byte slice can be
// resent on a retried read, which a stream cannot.
func Multipart(fields []FormField, files ...FormFile) (body []byte, contentType string, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f.Name, f.Value); err != nil {
			return nil, "", err
		}
	}
	for _, f := range files {
		if f.Field == "" {
			return nil, "", fmt.Errorf("ats: multipart file without a field name")
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(f.Field), quoteEscaper.Replace(f.FileName)))
		h.Set("Content-Type", ct)
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := pw.Write(f.Data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")
