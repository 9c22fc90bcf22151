package app

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every list endpoint that takes a page size (found in the OpenAPI
// document, "page size (max N)") answers its largest page, and refuses a
// limit outside 1..N with a 400 naming the field and the range, instead
// of quietly answering a default-sized page.
func TestListLimitsOutOfRangeAreRefused(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name        string `json:"name"`
				In          string `json:"in"`
				Description string `json:"description"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(admin.mustStatus(200, "GET", "/api/openapi.json", nil).Body, &doc); err != nil {
		t.Fatal(err)
	}
	maxRe := regexp.MustCompile(`max (\d+)`)
	checked := 0
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		for _, p := range op.Parameters {
			if p.Name != "limit" || p.In != "query" {
				continue
			}
			m := maxRe.FindStringSubmatch(p.Description)
			if m == nil {
				t.Errorf("GET %s: limit is documented without its maximum: %q", path, p.Description)
				continue
			}
			max, _ := strconv.Atoi(m[1])
			url := strings.ReplaceAll(path, "{wid}", fmt.Sprint(wid)) + "?limit="
			checked++
			admin.mustStatus(200, "GET", url+m[1], nil)
			admin.mustStatus(200, "GET", url+"1", nil)
			for _, bad := range []string{strconv.Itoa(max + 1), "0", "-1", "ten", "1e3"} {
				e := admin.mustStatus(400, "GET", url+bad, nil).json(t)["error"].(map[string]any)
				field, _ := e["fields"].(map[string]any)["limit"].(string)
				if want := "from 1 to " + m[1]; !strings.Contains(field, want) || !strings.Contains(e["message"].(string), want) {
					t.Errorf("GET %s%s: error %v, want the limit field naming %q", url, bad, e, want)
				}
			}
		}
	}
	if checked < 2 {
		t.Fatalf("checked %d list endpoints with a limit; positions and applications at least", checked)
	}
}
