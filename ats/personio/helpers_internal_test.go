package personio

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// newJSONServer serves fixed bodies by path plus a token endpoint.
func newJSONServer(t *testing.T, bodies map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == tokenPath {
			io.WriteString(w, `{"access_token":"papi-t","token_type":"Bearer","expires_in":86400}`)
			return
		}
		b, ok := bodies[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"personio_trace_id":"t","errors":[{"title":"Not Found","detail":"no"}]}`)
			return
		}
		io.WriteString(w, b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
