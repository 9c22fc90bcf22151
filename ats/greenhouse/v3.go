package greenhouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// v3Time renders a filter instant the way the v3 docs show it (ISO 8601,
// UTC). Milliseconds are kept: truncating them would only widen a gte
// filter, never lose a row.
func v3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// firstPage is a list's first request: filters and per_page go on it
// only; every later request is the rel="next" link exactly, whose cursor
// must be the only query parameter (docs/pagination: "When you pass a
// cursor, it must be the only query parameter").
func firstPage(path string, perPage int, f filter, extra url.Values) ats.Request {
	q := url.Values{"per_page": {strconv.Itoa(perPage)}}
	for k, v := range extra {
		q[k] = v
	}
	if !f.at.IsZero() {
		// v3 has one change filter for every resource: updated_at with an
		// operator prefix (list-endpoints guide: "updated_at=gte|<ts>").
		q.Set("updated_at", "gte|"+v3Time(f.at))
	}
	return ats.Request{Method: http.MethodGet, Path: path, Query: q}
}

// eachPage follows rel="next" links. A next link is requested as sent,
// with nothing added: the cursor encodes the filters and page size.
func (c *Client) eachPage(ctx context.Context, req ats.Request, fn func(*ats.Response) error) error {
	seen := map[string]bool{}
	for page := 0; page < ats.MaxPages; page++ {
		resp, err := c.do(ctx, req)
		if err != nil {
			return err
		}
		if err := fn(resp); err != nil {
			return err
		}
		next := ats.NextLink(resp.Header)
		if next == "" {
			return nil
		}
		if seen[next] {
			return &ats.Error{Provider: Name, Op: "GET " + resp.URL.Path, Message: "paging loop: next link repeats", Err: ats.ErrMalformedResponse}
		}
		seen[next] = true
		req = ats.Request{Method: http.MethodGet, Path: next, OpName: req.OpName}
	}
	return fmt.Errorf("%s: more than %d pages", Name, ats.MaxPages)
}

// do makes one API call. A 401 drops the cached token; a read
// that was sent with a token cached from earlier (it may have been
// revoked, or the secret rotated) is then repeated once with a fresh
// token. A read whose token was fetched for it, and every write, returns
// the 401 as is: a fresh token that is refused means the credentials lack
// access, and writes are never repeated here.
func (c *Client) do(ctx context.Context, req ats.Request) (*ats.Response, error) {
	before := c.tok.Fetches()
	resp, err := c.http.Do(ctx, req)
	if err == nil || !isUnauthorized(err) {
		return resp, err
	}
	c.tok.Invalidate()
	if req.Method != http.MethodGet || c.tok.Fetches() != before {
		return nil, withV3Hint(err)
	}
	resp, err = c.http.Do(ctx, req)
	if err != nil && isUnauthorized(err) {
		c.tok.Invalidate()
		return nil, withV3Hint(err)
	}
	return resp, err
}

func isUnauthorized(err error) bool {
	var e *ats.Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}

// withV3Hint adds what to check to a v3 401.
func withV3Hint(err error) error {
	var e *ats.Error
	if errors.As(err, &e) && e.Status == http.StatusUnauthorized {
		cp := *e
		cp.Message = cp.Message + " (check the Harvest v3 client credentials and that their scopes cover this endpoint)"
		return &cp
	}
	return err
}
