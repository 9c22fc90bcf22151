package sandbox

import "github.com/hireloop/hireloop/ats"

// Webhook payloads: {"action","payload"} with the objects Greenhouse's
// webhook docs show (webhooks are not part of Harvest and are the same for
// v1 and v3 connections; the connector reads application.id,
// current_stage, candidate and jobs from them).

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

type wCustomField struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
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

type wRejectionDetails struct {
	CustomFields      map[string]string       `json:"custom_fields"`
	KeyedCustomFields map[string]wCustomField `json:"keyed_custom_fields"`
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
	j := st.jobByID[a.JobID]
	h := wHookApplication{ID: a.ID, RejectedAt: ft(a.RejectedAt), Status: a.Status, AppliedAt: ft(a.AppliedAt),
		LastActivityAt: ft(a.LastActivityAt), URL: s.root + "/people/" + itoa(a.CandidateID) + "?application_id=" + itoa(a.ID),
		Source: wNamed{ID: a.SourceID, Name: a.Source}, CreditedTo: userRef(st.userByID[a.CreditedToID]),
		RejectionReason: wireReason(st.reasonByID[a.ReasonID]), CustomFields: map[string]any{},
		Candidate: s.wireCandidate(st, st.candByID[a.CandidateID]),
		Jobs: []wHookJob{{ID: j.ID, Name: j.Title, RequisitionID: j.Requisition, JobPostID: j.PostID, Status: j.Status,
			CreatedByID: j.RecruiterID, CreatedAt: ft(j.CreatedAt), OpenedAt: ft(j.OpenedAt),
			Departments:  []wHookDepartment{{ID: j.DeptID, Name: j.Department}},
			Offices:      []wHookOffice{{ID: j.OfficeID, Name: j.Office, Location: j.Location}},
			CustomFields: map[string]wCustomField{"employment_type": {Name: "Employment Type", Type: "single_select", Value: j.Employment}}}},
	}
	if a.Status == statusRejected {
		h.RejectionDetails = &wRejectionDetails{CustomFields: map[string]string{}, KeyedCustomFields: map[string]wCustomField{}}
		if a.RejectNote != "" {
			h.RejectionDetails.CustomFields["rejection_notes"] = a.RejectNote
			h.RejectionDetails.KeyedCustomFields["rejection_notes"] = wCustomField{Name: "Rejection notes", Type: "long_text", Value: a.RejectNote}
		}
	}
	if stg := st.stageByID[a.StageID]; stg != nil {
		h.CurrentStage = &wHookStage{ID: stg.ID, Name: stg.Name, Interviews: interviews(stg)}
	}
	return h
}
