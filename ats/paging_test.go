package ats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestEachRowsPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			fmt.Fprint(w, `{"next":"b","results":[1,2]}`)
		case "b":
			fmt.Fprint(w, `{"next":"c","results":[]}`)
		case "c":
			fmt.Fprint(w, `{"next":null,"results":[3]}`)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	page := func(r *Response) (*string, []json.RawMessage, error) {
		var p struct {
			Next    *string
			Results []json.RawMessage
		}
		err := c.DecodeJSON(r, &p)
		return p.Next, p.Results, err
	}
	var got []string
	err := c.EachRowsPage(context.Background(), Request{Method: http.MethodGet, Path: "/rows"}, "cursor", page,
		func(rows []json.RawMessage) error {
			got = append(got, fmt.Sprint(len(rows)))
			return nil
		})
	if err != nil || fmt.Sprint(got) != "[2 1]" {
		t.Fatalf("pages %v err %v (want [2 1]: the empty page skipped)", got, err)
	}

	stop := errors.New("stop")
	err = c.EachRowsPage(context.Background(), Request{Method: http.MethodGet, Path: "/rows"}, "cursor", page,
		func([]json.RawMessage) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("fn's error not returned: %v", err)
	}
}

func TestDecodePages(t *testing.T) {
	var got [][]int
	each := DecodePages("p", "GET /x", func(n int, _ json.RawMessage) (int, bool) { return n, n > 0 },
		func(page []int) error { got = append(got, page); return nil })
	for _, rows := range [][]json.RawMessage{{json.RawMessage(`1`), json.RawMessage(`0`)}, {json.RawMessage(`0`)}, nil} {
		if err := each(rows); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[[1]]" {
		t.Fatalf("pages %v, want [[1]] (pages with no rows left are not passed on)", got)
	}
	err := each([]json.RawMessage{json.RawMessage(`"x"`)})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrMalformedResponse) || e.Op != "GET /x" || e.Provider != "p" {
		t.Fatalf("bad row: %v", err)
	}
}
