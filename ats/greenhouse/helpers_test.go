package greenhouse_test

import (
	"net/http"
	"net/http/httptest"
)

func newServer(h http.HandlerFunc) *httptest.Server { return httptest.NewServer(h) }
