package greenhouse_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

func newServer(h http.HandlerFunc) *httptest.Server { return httptest.NewServer(h) }

func decodeJSON(r *http.Response, v any) error { return json.NewDecoder(r.Body).Decode(v) }
