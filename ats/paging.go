package ats

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxPages guards every pager against vendors that loop (a next link or
// cursor that never ends). 1e6 pages of 100 rows is far beyond any ATS.
const MaxPages = 1_000_000

// NextLink returns the rel="next" target of an RFC 8288 Link header, or "".
func NextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range splitLinks(v) {
			part = strings.TrimSpace(part)
			if !strings.HasPrefix(part, "<") {
				continue
			}
			end := strings.Index(part, ">")
			if end < 0 {
				continue
			}
			target := part[1:end]
			for _, param := range strings.Split(part[end+1:], ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target
					}
				}
			}
		}
	}
	return ""
}

// splitLinks splits a Link header on commas outside <...>.
func splitLinks(v string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// EachLinkPage GETs req and follows Link rel="next" until absent, calling
// fn with every response. Greenhouse Harvest v1 and v3 both page this way.
func (c *Client) EachLinkPage(ctx context.Context, req Request, fn func(*Response) error) error {
	seen := map[string]bool{}
	for page := 0; page < MaxPages; page++ {
		resp, err := c.Do(ctx, req)
		if err != nil {
			return err
		}
		if err := fn(resp); err != nil {
			return err
		}
		next := NextLink(resp.Header)
		if next == "" {
			return nil
		}
		if seen[next] {
			return &Error{Provider: c.provider, Op: "GET " + resp.URL.Path, Message: "paging loop: next link repeats", Err: ErrMalformedResponse}
		}
		seen[next] = true
		// The next link carries all parameters; drop ours.
		req = Request{Method: http.MethodGet, Path: next, Header: req.Header, OpName: req.OpName}
	}
	return fmt.Errorf("%s: more than %d pages", c.provider, MaxPages)
}

// EachCursorPage GETs req, then repeats it with cursorParam set to the
// cursor that next extracts from each response, until it returns "".
// Kombo pages this way (data.next → ?cursor=).
func (c *Client) EachCursorPage(ctx context.Context, req Request, cursorParam string,
	next func(*Response) (string, error), fn func(*Response) error) error {
	seen := map[string]bool{}
	for page := 0; page < MaxPages; page++ {
		resp, err := c.Do(ctx, req)
		if err != nil {
			return err
		}
		cur, err := next(resp)
		if err != nil {
			return err
		}
		if err := fn(resp); err != nil {
			return err
		}
		if cur == "" {
			return nil
		}
		if seen[cur] {
			return &Error{Provider: c.provider, Op: "GET " + resp.URL.Path, Message: "paging loop: cursor repeats", Err: ErrMalformedResponse}
		}
		seen[cur] = true
		q := url.Values{}
		for k, v := range req.Query {
			q[k] = v
		}
		q.Set(cursorParam, cur)
		req.Query = q
	}
	return fmt.Errorf("%s: more than %d pages", c.provider, MaxPages)
}

// EachRowsPage is EachCursorPage for lists whose pages carry their rows
// and the next cursor, as page extracts them from each response (Kombo's
// data.{next,results}, Merge's {next,results}); a nil or empty next ends
// the list. fn is called with each page's rows, and not for empty pages.
func (c *Client) EachRowsPage(ctx context.Context, req Request, cursorParam string,
	page func(*Response) (next *string, rows []json.RawMessage, err error), fn func([]json.RawMessage) error) error {
	var rows []json.RawMessage
	return c.EachCursorPage(ctx, req, cursorParam,
		func(r *Response) (string, error) {
			next, rs, err := page(r)
			if err != nil {
				return "", err
			}
			rows = rs
			if next == nil {
				return "", nil
			}
			return *next, nil
		},
		func(*Response) error {
			if len(rows) == 0 {
				return nil
			}
			return fn(rows)
		})
}

// EachOffsetPage pages with limit/offset parameters until a page returns
// fewer than pageSize rows; fn returns the row count of each page.
// (Lever, SmartRecruiters legacy, Recruitee.)
func (c *Client) EachOffsetPage(ctx context.Context, req Request, limitParam, offsetParam string, pageSize int,
	fn func(*Response) (int, error)) error {
	offset := 0
	for page := 0; page < MaxPages; page++ {
		q := url.Values{}
		for k, v := range req.Query {
			q[k] = v
		}
		q.Set(limitParam, strconv.Itoa(pageSize))
		q.Set(offsetParam, strconv.Itoa(offset))
		req.Query = q
		resp, err := c.Do(ctx, req)
		if err != nil {
			return err
		}
		n, err := fn(resp)
		if err != nil {
			return err
		}
		if n < pageSize || n == 0 {
			return nil
		}
		offset += n
	}
	return fmt.Errorf("%s: more than %d pages", c.provider, MaxPages)
}
