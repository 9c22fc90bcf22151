package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Harvest v1 wire shapes, rendered from the model on every request. Field
// names and nesting follow the Harvest docs and the samples in
// shared/reference/samples (greenhouse-application.json,
// greenhouse-job-post.json, greenhouse-webhook-candidate-stage-change.json).

func ft(t time.Time) ats.FlexTime { return ats.FlexTime{Time: t} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func signHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type wNamed struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type wUserRef struct {
	ID         int64   `json:"id"`
	FirstName  string  `json:"first_name"`
	LastName   string  `json:"last_name"`
	Name       string  `json:"name"`
	EmployeeID *string `json:"employee_id"`
}

func userRef(u *user) *wUserRef {
	if u == nil {
		return nil
	}
	return &wUserRef{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Name: u.name(), EmployeeID: strPtr(u.EmpID)}
}

type wUser struct {
	ID                 int64        `json:"id"`
	Name               string       `json:"name"`
	FirstName          string       `json:"first_name"`
	LastName           string       `json:"last_name"`
	PrimaryEmail       string       `json:"primary_email_address"`
	UpdatedAt          ats.FlexTime `json:"updated_at"`
	CreatedAt          ats.FlexTime `json:"created_at"`
	Disabled           bool         `json:"disabled"`
	SiteAdmin          bool         `json:"site_admin"`
	Emails             []string     `json:"emails"`
	EmployeeID         *string      `json:"employee_id"`
	LinkedCandidateIDs []int64      `json:"linked_candidate_ids"`
	Offices            []any        `json:"offices"`
	Departments        []any        `json:"departments"`
}

func wireUser(u *user) wUser {
	return wUser{ID: u.ID, Name: u.name(), FirstName: u.FirstName, LastName: u.LastName, PrimaryEmail: u.Email,
		UpdatedAt: ft(u.UpdatedAt), CreatedAt: ft(u.CreatedAt), SiteAdmin: u.SiteAdmin, Emails: []string{u.Email},
		EmployeeID: strPtr(u.EmpID), LinkedCandidateIDs: []int64{}, Offices: []any{}, Departments: []any{}}
}

type wDepartment struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	ParentID   *int64  `json:"parent_id"`
	ChildIDs   []int64 `json:"child_ids"`
	ExternalID *string `json:"external_id"`
}

type wLocation struct {
	Name string `json:"name"`
}

type wOffice struct {
	ID                   int64     `json:"id"`
	Name                 string    `json:"name"`
	Location             wLocation `json:"location"`
	PrimaryContactUserID *int64    `json:"primary_contact_user_id"`
	ParentID             *int64    `json:"parent_id"`
	ChildIDs             []int64   `json:"child_ids"`
	ExternalID           *string   `json:"external_id"`
}

type wHiringTeam struct {
	HiringManagers []wTeamMember `json:"hiring_managers"`
	Recruiters     []wTeamMember `json:"recruiters"`
	Coordinators   []wTeamMember `json:"coordinators"`
	Sourcers       []wTeamMember `json:"sourcers"`
}

type wTeamMember struct {
	wUserRef
	Responsible bool `json:"responsible"`
}

type wOpening struct {
	ID            int64        `json:"id"`
	OpeningID     string       `json:"opening_id"`
	Status        string       `json:"status"`
	OpenedAt      ats.FlexTime `json:"opened_at"`
	ClosedAt      ats.FlexTime `json:"closed_at"`
	ApplicationID *int64       `json:"application_id"`
	CloseReason   *wNamed      `json:"close_reason"`
}

type wCustomField struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type wJob struct {
	ID                int64                   `json:"id"`
	Name              string                  `json:"name"`
	RequisitionID     string                  `json:"requisition_id"`
	Notes             *string                 `json:"notes"`
	Confidential      bool                    `json:"confidential"`
	Status            string                  `json:"status"`
	CreatedAt         ats.FlexTime            `json:"created_at"`
	OpenedAt          ats.FlexTime            `json:"opened_at"`
	ClosedAt          ats.FlexTime            `json:"closed_at"`
	UpdatedAt         ats.FlexTime            `json:"updated_at"`
	IsTemplate        bool                    `json:"is_template"`
	CopiedFromID      *int64                  `json:"copied_from_id"`
	Departments       []wDepartment           `json:"departments"`
	Offices           []wOffice               `json:"offices"`
	HiringTeam        wHiringTeam             `json:"hiring_team"`
	Openings          []wOpening              `json:"openings"`
	CustomFields      map[string]string       `json:"custom_fields"`
	KeyedCustomFields map[string]wCustomField `json:"keyed_custom_fields"`
}

func (st *state) wireJob(j *job) wJob {
	w := wJob{ID: j.ID, Name: j.Title, RequisitionID: j.Requisition, Status: j.Status, CreatedAt: ft(j.CreatedAt),
		OpenedAt: ft(j.OpenedAt), UpdatedAt: ft(j.UpdatedAt),
		Departments:       []wDepartment{{ID: j.DeptID, Name: j.Department, ChildIDs: []int64{}}},
		Offices:           []wOffice{{ID: j.OfficeID, Name: j.Office, Location: wLocation{Name: j.Location}, ChildIDs: []int64{}}},
		HiringTeam:        wHiringTeam{HiringManagers: []wTeamMember{}, Recruiters: []wTeamMember{}, Coordinators: []wTeamMember{}, Sourcers: []wTeamMember{}},
		CustomFields:      map[string]string{"employment_type": j.Employment},
		KeyedCustomFields: map[string]wCustomField{"employment_type": {Name: "Employment Type", Type: "single_select", Value: j.Employment}},
	}
	if u := st.userByID[j.ManagerID]; u != nil {
		w.HiringTeam.HiringManagers = append(w.HiringTeam.HiringManagers, wTeamMember{*userRef(u), true})
	}
	if u := st.userByID[j.RecruiterID]; u != nil {
		w.HiringTeam.Recruiters = append(w.HiringTeam.Recruiters, wTeamMember{*userRef(u), true})
	}
	for i := range j.OpeningCount {
		w.Openings = append(w.Openings, wOpening{ID: j.ID*10 + int64(i), OpeningID: j.Requisition + "-" + strconv.Itoa(i+1),
			Status: "open", OpenedAt: ft(j.OpenedAt)})
	}
	return w
}

type wQuestionValue struct {
	Value int64  `json:"value"`
	Label string `json:"label"`
}

type wQuestion struct {
	Required    bool             `json:"required"`
	Private     bool             `json:"private"`
	Label       string           `json:"label"`
	Name        string           `json:"name"`
	Type        string           `json:"type"`
	Values      []wQuestionValue `json:"values"`
	Description *string          `json:"description"`
}

type wPostLocation struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	OfficeID *int64  `json:"office_id"`
	Type     *wNamed `json:"job_post_location_type"`
}

type wJobPost struct {
	ID                       int64         `json:"id"`
	Title                    string        `json:"title"`
	Location                 wPostLocation `json:"location"`
	Internal                 bool          `json:"internal"`
	External                 bool          `json:"external"`
	Active                   bool          `json:"active"`
	Live                     bool          `json:"live"`
	FirstPublishedAt         ats.FlexTime  `json:"first_published_at"`
	JobID                    int64         `json:"job_id"`
	Content                  string        `json:"content"`
	InternalContent          *string       `json:"internal_content"`
	UpdatedAt                ats.FlexTime  `json:"updated_at"`
	CreatedAt                ats.FlexTime  `json:"created_at"`
	DemographicQuestionSetID *int64        `json:"demographic_question_set_id"`
	Questions                []wQuestion   `json:"questions"`
}

func wirePost(j *job) wJobPost {
	office := j.OfficeID
	p := wJobPost{ID: j.PostID, Title: j.Title, Internal: false, External: true, Active: true, Live: j.Status == "open",
		Location:         wPostLocation{ID: j.PostID*10 + 1, Name: j.Location, OfficeID: &office, Type: &wNamed{ID: 1, Name: "Free Text"}},
		FirstPublishedAt: ft(j.PostUpdated), JobID: j.ID, Content: j.PostContent, UpdatedAt: ft(j.PostUpdated), CreatedAt: ft(j.PostCreated),
		Questions: []wQuestion{}}
	for qi, q := range j.Questions {
		wq := wQuestion{Required: q.Required, Label: q.Label, Name: q.Name, Type: q.Type, Values: []wQuestionValue{}}
		for k, o := range q.Options {
			v := int64(k)
			if q.Type != "boolean" { // Harvest option ids are account-wide integers
				v = j.PostID%1000*1000 + int64(qi*10+k) + 860000
			}
			wq.Values = append(wq.Values, wQuestionValue{Value: v, Label: o})
		}
		p.Questions = append(p.Questions, wq)
	}
	return p
}

type wInterview struct {
	ID                      int64         `json:"id"`
	Name                    string        `json:"name"`
	Schedulable             bool          `json:"schedulable"`
	EstimatedMinutes        int           `json:"estimated_minutes"`
	DefaultInterviewerUsers []wUserRef    `json:"default_interviewer_users"`
	InterviewKit            wInterviewKit `json:"interview_kit"`
}

type wInterviewKit struct {
	ID        int64   `json:"id"`
	Content   string  `json:"content"`
	Questions []any   `json:"questions"`
	URL       *string `json:"url,omitempty"`
}

type wStage struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	CreatedAt  ats.FlexTime `json:"created_at"`
	UpdatedAt  ats.FlexTime `json:"updated_at"`
	Active     bool         `json:"active"`
	JobID      int64        `json:"job_id"`
	Priority   int          `json:"priority"`
	Interviews []wInterview `json:"interviews"`
}

func interviews(s *stage) []wInterview {
	if s.Priority == 0 || s.Name == "Offer" { // review and offer stages have no interviews
		return []wInterview{}
	}
	mins := 45
	if s.Name == "AI Interview" || s.Name == "Phone Screen" {
		mins = 30
	}
	return []wInterview{{ID: s.ID*10 + 1, Name: s.Name, Schedulable: s.Name != "AI Interview", EstimatedMinutes: mins,
		DefaultInterviewerUsers: []wUserRef{}, InterviewKit: wInterviewKit{ID: s.ID*10 + 2, Content: "", Questions: []any{}}}}
}

func wireStage(s *stage) wStage {
	return wStage{ID: s.ID, Name: s.Name, CreatedAt: ft(s.CreatedAt), UpdatedAt: ft(s.UpdatedAt), Active: true,
		JobID: s.JobID, Priority: s.Priority, Interviews: interviews(s)}
}

type wAttachment struct {
	Filename  string       `json:"filename"`
	URL       string       `json:"url"`
	Type      string       `json:"type"`
	CreatedAt ats.FlexTime `json:"created_at"`
}

// fileURL is where an attachment can be downloaded from the API server
// (Harvest hands out pre-signed storage URLs; ours need no key either).
func (s *Server) fileURL(a *attachment) string {
	if a.URL != "" {
		return a.URL
	}
	return s.root + "/files/" + itoa(a.ID)
}

func (s *Server) wireAttachments(as []*attachment) []wAttachment {
	out := make([]wAttachment, 0, len(as))
	for _, a := range as {
		out = append(out, wAttachment{Filename: a.Filename, URL: s.fileURL(a), Type: a.Type, CreatedAt: ft(a.CreatedAt)})
	}
	return out
}

type wCandidate struct {
	ID                   int64             `json:"id"`
	FirstName            string            `json:"first_name"`
	LastName             string            `json:"last_name"`
	Company              *string           `json:"company"`
	Title                *string           `json:"title"`
	CreatedAt            ats.FlexTime      `json:"created_at"`
	UpdatedAt            ats.FlexTime      `json:"updated_at"`
	LastActivity         ats.FlexTime      `json:"last_activity"`
	IsPrivate            bool              `json:"is_private"`
	PhotoURL             *string           `json:"photo_url"`
	Attachments          []wAttachment     `json:"attachments"`
	ApplicationIDs       []int64           `json:"application_ids"`
	PhoneNumbers         []contact         `json:"phone_numbers"`
	Addresses            []contact         `json:"addresses"`
	EmailAddresses       []contact         `json:"email_addresses"`
	WebsiteAddresses     []contact         `json:"website_addresses"`
	SocialMediaAddresses []contact         `json:"social_media_addresses"`
	Recruiter            *wUserRef         `json:"recruiter"`
	Coordinator          *wUserRef         `json:"coordinator"`
	CanEmail             bool              `json:"can_email"`
	Tags                 []string          `json:"tags"`
	CustomFields         map[string]string `json:"custom_fields"`
}

func (s *Server) wireCandidate(st *state, c *candidate) wCandidate {
	w := wCandidate{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Company: strPtr(c.Company), Title: strPtr(c.Title),
		CreatedAt: ft(c.CreatedAt), UpdatedAt: ft(c.UpdatedAt), LastActivity: ft(c.LastActivity),
		Attachments: s.wireAttachments(st.attachOfCan[c.ID]), ApplicationIDs: []int64{},
		PhoneNumbers: nonNil(c.Phones), Addresses: []contact{}, EmailAddresses: nonNil(c.Emails),
		WebsiteAddresses: []contact{}, SocialMediaAddresses: []contact{}, Recruiter: userRef(st.userByID[c.RecruiterID]),
		CanEmail: true, Tags: []string{}, CustomFields: map[string]string{}}
	if c.City != "" {
		w.Addresses = append(w.Addresses, contact{Value: c.City, Type: "home"})
	}
	for _, a := range st.appsOf[c.ID] {
		w.ApplicationIDs = append(w.ApplicationIDs, a.ID)
	}
	for _, id := range c.TagIDs {
		if t := st.tagByID[id]; t != nil {
			w.Tags = append(w.Tags, t.Name)
		}
	}
	return w
}

func nonNil(c []contact) []contact {
	if c == nil {
		return []contact{}
	}
	return c
}

type wReason struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type wNamed `json:"type"`
}

func wireReason(r *reason) *wReason {
	if r == nil {
		return nil
	}
	return &wReason{ID: r.ID, Name: r.Name, Type: wNamed{ID: r.TypeID, Name: r.TypeName}}
}

type wSource struct {
	ID         int64  `json:"id"`
	PublicName string `json:"public_name"`
}

type wRejectionDetails struct {
	CustomFields      map[string]string       `json:"custom_fields"`
	KeyedCustomFields map[string]wCustomField `json:"keyed_custom_fields"`
}

type wProspectDetail struct {
	ProspectPool  *wNamed   `json:"prospect_pool"`
	ProspectStage *wNamed   `json:"prospect_stage"`
	ProspectOwner *wUserRef `json:"prospect_owner"`
}

type wAddress struct {
	Address string `json:"address"`
}

type wApplication struct {
	ID                    int64              `json:"id"`
	CandidateID           int64              `json:"candidate_id"`
	Prospect              bool               `json:"prospect"`
	AppliedAt             ats.FlexTime       `json:"applied_at"`
	RejectedAt            ats.FlexTime       `json:"rejected_at"`
	LastActivityAt        ats.FlexTime       `json:"last_activity_at"`
	Location              *wAddress          `json:"location"`
	Source                wSource            `json:"source"`
	CreditedTo            *wUserRef          `json:"credited_to"`
	Recruiter             *wUserRef          `json:"recruiter"`
	Coordinator           *wUserRef          `json:"coordinator"`
	RejectionReason       *wReason           `json:"rejection_reason"`
	RejectionDetails      *wRejectionDetails `json:"rejection_details"`
	Jobs                  []wNamed           `json:"jobs"`
	JobPostID             int64              `json:"job_post_id"`
	Status                string             `json:"status"`
	CurrentStage          *wNamed            `json:"current_stage"`
	Answers               []answer           `json:"answers"`
	ProspectiveOffice     *wNamed            `json:"prospective_office"`
	ProspectiveDepartment *wNamed            `json:"prospective_department"`
	ProspectDetail        wProspectDetail    `json:"prospect_detail"`
	CustomFields          map[string]string  `json:"custom_fields"`
	KeyedCustomFields     map[string]any     `json:"keyed_custom_fields"`
	Attachments           []wAttachment      `json:"attachments"`
}

func (s *Server) wireApplication(st *state, a *application) wApplication {
	j := st.jobByID[a.JobID]
	c := st.candByID[a.CandidateID]
	w := wApplication{ID: a.ID, CandidateID: a.CandidateID, AppliedAt: ft(a.AppliedAt), RejectedAt: ft(a.RejectedAt),
		LastActivityAt: ft(a.LastActivityAt), Source: wSource{ID: a.SourceID, PublicName: a.Source},
		CreditedTo: userRef(st.userByID[a.CreditedToID]), Recruiter: userRef(st.userByID[j.RecruiterID]),
		RejectionReason: wireReason(st.reasonByID[a.ReasonID]), Jobs: []wNamed{{ID: j.ID, Name: j.Title}}, JobPostID: j.PostID,
		Status: a.Status, Answers: a.Answers, CustomFields: map[string]string{}, KeyedCustomFields: map[string]any{},
		Attachments: s.wireAttachments(st.attachOfApp[a.ID])}
	if w.Answers == nil {
		w.Answers = []answer{}
	}
	if c != nil && c.City != "" {
		w.Location = &wAddress{Address: c.City}
	}
	if a.Status == statusRejected {
		w.RejectionDetails = &wRejectionDetails{CustomFields: map[string]string{}, KeyedCustomFields: map[string]wCustomField{}}
		if a.RejectNote != "" {
			w.RejectionDetails.CustomFields["rejection_notes"] = a.RejectNote
			w.RejectionDetails.KeyedCustomFields["rejection_notes"] = wCustomField{Name: "Rejection notes", Type: "long_text", Value: a.RejectNote}
		}
	}
	if s := st.stageByID[a.StageID]; s != nil {
		w.CurrentStage = &wNamed{ID: s.ID, Name: s.Name}
	}
	return w
}

type wNote struct {
	ID         int64        `json:"id"`
	CreatedAt  ats.FlexTime `json:"created_at"`
	Body       string       `json:"body"`
	User       *wUserRef    `json:"user"`
	Private    bool         `json:"private"`
	Visiblity  string       `json:"visiblity"` // sic: Harvest's legacy misspelling, sent beside the correct one
	Visibility string       `json:"visibility"`
}

func wireNote(st *state, n *note) wNote {
	return wNote{ID: n.ID, CreatedAt: ft(n.CreatedAt), Body: n.Body, User: userRef(st.userByID[n.UserID]),
		Private: n.Visibility != "public", Visiblity: n.Visibility, Visibility: n.Visibility}
}

// ---- webhook payloads ----

type wHookStage struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	Interviews []wInterview `json:"interviews"`
}

type wHookOffice struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Location   string  `json:"location"`
	ExternalID *string `json:"external_id"`
}

type wHookDepartment struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	ExternalID *string `json:"external_id"`
}

type wHookJob struct {
	ID            int64                   `json:"id"`
	Name          string                  `json:"name"`
	RequisitionID string                  `json:"requisition_id"`
	Notes         *string                 `json:"notes"`
	Confidential  bool                    `json:"confidential"`
	JobPostID     int64                   `json:"job_post_id"`
	Status        string                  `json:"status"`
	CreatedByID   int64                   `json:"created_by_id"`
	CreatedAt     ats.FlexTime            `json:"created_at"`
	OpenedAt      ats.FlexTime            `json:"opened_at"`
	ClosedAt      ats.FlexTime            `json:"closed_at"`
	Departments   []wHookDepartment       `json:"departments"`
	Offices       []wHookOffice           `json:"offices"`
	CustomFields  map[string]wCustomField `json:"custom_fields"`
}

type wHookApplication struct {
	ID               int64              `json:"id"`
	RejectedAt       ats.FlexTime       `json:"rejected_at"`
	Prospect         bool               `json:"prospect"`
	Status           string             `json:"status"`
	AppliedAt        ats.FlexTime       `json:"applied_at"`
	LastActivityAt   ats.FlexTime       `json:"last_activity_at"`
	URL              string             `json:"url"`
	Source           wNamed             `json:"source"`
	CreditedTo       *wUserRef          `json:"credited_to"`
	RejectionReason  *wReason           `json:"rejection_reason"`
	RejectionDetails *wRejectionDetails `json:"rejection_details"`
	CurrentStage     *wHookStage        `json:"current_stage"`
	CustomFields     map[string]any     `json:"custom_fields"`
	Candidate        wCandidate         `json:"candidate"`
	Jobs             []wHookJob         `json:"jobs"`
}

func (s *Server) hookApplication(st *state, a *application) wHookApplication {
	w := s.wireApplication(st, a)
	j := st.jobByID[a.JobID]
	h := wHookApplication{ID: a.ID, RejectedAt: w.RejectedAt, Status: a.Status, AppliedAt: w.AppliedAt,
		LastActivityAt: w.LastActivityAt, URL: s.root + "/people/" + itoa(a.CandidateID) + "?application_id=" + itoa(a.ID),
		Source: wNamed{ID: a.SourceID, Name: a.Source}, CreditedTo: w.CreditedTo, RejectionReason: w.RejectionReason,
		RejectionDetails: w.RejectionDetails, CustomFields: map[string]any{},
		Candidate: s.wireCandidate(st, st.candByID[a.CandidateID]),
		Jobs: []wHookJob{{ID: j.ID, Name: j.Title, RequisitionID: j.Requisition, JobPostID: j.PostID, Status: j.Status,
			CreatedByID: j.RecruiterID, CreatedAt: ft(j.CreatedAt), OpenedAt: ft(j.OpenedAt),
			Departments:  []wHookDepartment{{ID: j.DeptID, Name: j.Department}},
			Offices:      []wHookOffice{{ID: j.OfficeID, Name: j.Office, Location: j.Location}},
			CustomFields: map[string]wCustomField{"employment_type": {Name: "Employment Type", Type: "single_select", Value: j.Employment}}}},
	}
	if stg := st.stageByID[a.StageID]; stg != nil {
		h.CurrentStage = &wHookStage{ID: stg.ID, Name: stg.Name, Interviews: interviews(stg)}
	}
	return h
}
