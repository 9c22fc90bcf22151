package smartrecruiters

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// Screening questions live on a job ad's public posting, not on the job:
// the Posting API lists a company's postings with the jobAdId each one
// publishes, and the Application API's GET /postings/{uuid}/configuration
// returns the posting's questions. The connector joins the two through the
// job ads it already reads for the description (see the package doc).

// posting is the part of a Posting API list item the join needs.
type posting struct {
	UUID         string `json:"uuid"`
	JobAdID      string `json:"jobAdId"`
	DefaultJobAd bool   `json:"defaultJobAd"`
}

// postingsPath is the Posting API list of the configured company.
func (c *Client) postingsPath() string {
	return "/v1/companies/" + pathID(c.company) + "/postings"
}

// postingIndex lists the company's active postings (limit + offset) and
// maps each job ad id to its posting. When two postings publish the same
// ad, the one for the job's default ad wins, because that is the ad a
// candidate applying on the career site sees. A company or list that
// cannot be read (403/404) yields no index, so jobs are synced without
// questions instead of failing the sync; Test reports the unknown company.
func (c *Client) postingIndex(ctx context.Context) (map[string]posting, error) {
	out := map[string]posting{}
	seen := 0
	err := c.http.EachOffsetPage(ctx, ats.Request{Method: http.MethodGet, Path: c.postingsPath(), OpName: "/v1/companies/{id}/postings"},
		"limit", "offset", c.pageSize, func(r *ats.Response) (int, error) {
			var page listPage
			if err := c.http.DecodeJSON(r, &page); err != nil {
				return 0, err
			}
			rows, err := ats.DecodeRows(Name, "GET /v1/companies/{id}/postings", page.Content, func(p posting, _ json.RawMessage) (posting, bool) {
				return p, p.UUID != "" && p.JobAdID != ""
			})
			if err != nil {
				return 0, err
			}
			for _, p := range rows {
				if prev, ok := out[p.JobAdID]; !ok || (p.DefaultJobAd && !prev.DefaultJobAd) {
					out[p.JobAdID] = p
				}
			}
			n := len(page.Content)
			seen += n
			if page.TotalFound > 0 && seen >= page.TotalFound {
				return 0, nil // the last page; no need to ask for an empty one
			}
			return n, nil
		})
	if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
		return nil, nil
	}
	return out, err
}

// postingFor picks the posting whose questions a job gets: that of the
// first of the job's ads whose posting is the default-ad posting, else
// that of the first ad with any posting. One job has one set of screening
// questions in hireloop, and the default ad is the one SmartRecruiters
// publishes on the career site.
func postingFor(ads []wireJobAd, postings map[string]posting) string {
	first := ""
	for _, ad := range ads {
		p, ok := postings[ad.ID]
		if !ok {
			continue
		}
		if p.DefaultJobAd {
			return p.UUID
		}
		if first == "" {
			first = p.UUID
		}
	}
	return first
}

type wireConfiguration struct {
	Questions []struct {
		ID         string `json:"id"`
		Label      string `json:"label"`
		Repeatable bool   `json:"repeatable"`
		Fields     []struct {
			ID             string `json:"id"`
			Label          string `json:"label"`
			Type           string `json:"type"`
			Required       bool   `json:"required"`
			ComplianceType string `json:"complianceType"`
			Values         []struct {
				ID    string `json:"id"`
				Label string `json:"label"`
			} `json:"values"`
		} `json:"fields"`
	} `json:"questions"`
}

// screeningQuestions reads GET /postings/{uuid}/configuration and turns
// every field into one ats.Question. A posting whose configuration cannot
// be read (403/404, e.g. unpublished since the list was read) has none.
func (c *Client) screeningQuestions(ctx context.Context, uuid string) ([]ats.Question, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/postings/" + pathID(uuid) + "/configuration",
		OpName: "/postings/{uuid}/configuration"})
	if err != nil {
		if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
			return nil, nil
		}
		return nil, err
	}
	var cfg wireConfiguration
	if err := c.http.DecodeJSON(resp, &cfg); err != nil {
		return nil, err
	}
	return questionsFromWire(cfg), nil
}

// questionsFromWire maps a posting configuration to questions: one per
// field, since a complex question's fields are answered separately. Ids
// are the question id for a one-field question and "<questionId>:<fieldId>"
// otherwise, so they stay stable across syncs and unique within the job.
// Fields with a complianceType (diversity, EEO, consent) are skipped: they
// are legal forms, never interview material. A repeatable question (e.g.
// languages) is imported once; the repetition is the candidate's business.
func questionsFromWire(cfg wireConfiguration) []ats.Question {
	var out []ats.Question
	for _, q := range cfg.Questions {
		multi := len(q.Fields) > 1
		for _, f := range q.Fields {
			if strings.TrimSpace(f.ComplianceType) != "" {
				continue
			}
			id, label := q.ID, strings.TrimSpace(q.Label)
			if multi {
				id = q.ID + ":" + f.ID
				if fl := strings.TrimSpace(f.Label); fl != "" && label != "" {
					label += ": " + fl
				} else if fl != "" {
					label = fl
				}
			} else if label == "" {
				label = strings.TrimSpace(f.Label)
			}
			if id == "" || id == ":" || label == "" {
				continue
			}
			qq := ats.Question{ID: id, Label: label, Required: f.Required, Type: fieldType(f.Type, len(f.Values) > 0)}
			for _, v := range f.Values {
				oid := v.ID
				if oid == "" {
					oid = v.Label
				}
				qq.Options = append(qq.Options, ats.Option{ID: oid, Label: v.Label})
			}
			out = append(out, qq)
		}
	}
	return out
}

// fieldType maps a configuration field type. SmartRecruiters does not
// document the type names, so the mapping goes by the words in them and
// stays conservative: a field with values is a choice (several answers
// only when the type says MULTI or CHECKBOX), and anything unrecognised is
// free text, which an interviewer can always use.
func fieldType(t string, hasValues bool) ats.QuestionType {
	u := strings.ToUpper(t)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(u, w) {
				return true
			}
		}
		return false
	}
	switch {
	case hasValues && has("MULTI", "CHECKBOX"):
		return ats.QuestionMultiChoice
	case hasValues:
		return ats.QuestionSingleChoice
	case has("DATE"):
		return ats.QuestionDate
	case has("NUMBER", "NUMERIC"):
		return ats.QuestionNumber
	case has("BOOLEAN", "CHECKBOX"):
		return ats.QuestionYesNo
	case has("TEXTAREA", "MULTILINE"):
		return ats.QuestionLongText
	}
	return ats.QuestionText
}

// testCompany checks that the configured company identifier names a
// company the Posting API knows; a wrong identifier would otherwise only
// show as jobs without questions.
func (c *Client) testCompany(ctx context.Context) error {
	var v listPage
	_, err := c.http.GetJSON(ctx, c.postingsPath(), url.Values{"limit": {"1"}}, &v)
	if errors.Is(err, ats.ErrNotFound) {
		return ats.NotConfigured(Name, "test", "SmartRecruiters does not know the company identifier "+strconv.Quote(c.company)+
			" (the integration_id setting, \"Company identifier\"): use what follows https://careers.smartrecruiters.com/ "+
			"in your career site address (Settings > Career Pages & Job Ads), or leave it empty to sync without screening questions")
	}
	return err
}
