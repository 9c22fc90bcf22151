package sandbox

import (
	"bytes"
	"cmp"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rowsPerPage bounds the applications table.
const rowsPerPage = 50

// PageHandler returns the human page of the sandbox, for mounting under
// prefix (e.g. "/sandbox"). It accepts request paths with or without the
// prefix, so it works behind both a plain mount and http.StripPrefix. All
// links and forms it renders start with prefix. State-changing requests
// must be POSTs whose Origin (or, without one, Referer) names the host the
// page was requested on.
func (s *Server) PageHandler(prefix string) http.Handler {
	base := "/" + strings.Trim(prefix, "/")
	if base == "/" {
		base = ""
	}
	tpl := template.Must(template.New("page").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).Parse(pageHTML))
	return &pageHandler{s: s, base: base, tpl: tpl}
}

type pageHandler struct {
	s    *Server
	base string
	tpl  *template.Template
}

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if h.base != "" {
		if rest, ok := strings.CutPrefix(p, h.base); ok && (rest == "" || rest[0] == '/') {
			p = rest
		}
	}
	if p != "" && p[0] != '/' { // mounted behind StripPrefix("/sandbox/")
		p = "/" + p
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	switch {
	case p == "" || p == "/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.render(w, r, http.StatusOK, "", addForm{})
	case strings.HasPrefix(p, "/files/"):
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
			return
		}
		id, _ := strconv.ParseInt(strings.SplitN(strings.TrimPrefix(p, "/files/"), "/", 2)[0], 10, 64)
		h.s.serveFile(w, r, id)
	case p == "/move" || p == "/reject" || p == "/add":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !sameOrigin(r) {
			http.Error(w, "Forbidden: cross-origin request refused", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "Bad request", http.StatusBadRequest)
			return
		}
		h.action(w, r, p[1:])
	default:
		http.NotFound(w, r)
	}
}

// sameOrigin reports whether a state-changing request comes from a page
// of the same origin: Sec-Fetch-Site when the browser sends it, else the
// Origin header, else the Referer. Requests with none of them are
// refused. The expected host is the Host header, or X-Forwarded-Host
// behind a proxy (a cross-site form cannot set either).
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" || src == "null" {
		return false
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ",")
	return fwd != "" && strings.EqualFold(u.Host, strings.TrimSpace(fwd))
}

// filterKeys are the query parameters of the page that a POST returns to.
func filterKeys() []string { return []string{"job", "stage", "status", "q", "p"} }

func cleanReturn(raw string) url.Values {
	in, _ := url.ParseQuery(raw)
	out := url.Values{}
	for _, k := range filterKeys() {
		if v := in.Get(k); v != "" && len(v) < 200 {
			out.Set(k, v)
		}
	}
	return out
}

func (h *pageHandler) action(w http.ResponseWriter, r *http.Request, what string) {
	s := h.s
	ret := cleanReturn(r.PostForm.Get("return"))
	formID := func(k string) int64 { n, _ := strconv.ParseInt(r.PostForm.Get(k), 10, 64); return n }
	var form addForm
	var appID int64
	err := s.change(func(st *state, now time.Time) ([]byte, error) {
		switch what {
		case "move":
			a, hook, err := s.move(st, now, formID("app"), nil, formID("stage"), nil)
			if err == nil {
				appID = a.ID
			}
			return hook, err
		case "reject":
			a, hook, err := s.reject(st, now, formID("app"), formID("reason"), "", nil)
			if err == nil {
				appID = a.ID
			}
			return hook, err
		default:
			form = addForm{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), JobID: formID("job")}
			a, hook, err := s.addCandidate(st, now, form.Name, form.Email, form.JobID)
			if err == nil {
				appID = a.ID
			}
			return hook, err
		}
	})
	var oe *opError
	switch {
	case errors.As(err, &oe):
		msg := oe.msg
		if oe.status == http.StatusNotFound {
			msg = "That application no longer exists."
		}
		r.URL.RawQuery = ret.Encode()
		h.render(w, r, http.StatusUnprocessableEntity, msg, form)
		return
	case err != nil:
		http.Error(w, "The sandbox ATS is shutting down.", http.StatusServiceUnavailable)
		return
	}
	if what == "add" { // show the new candidate at the top
		ret = url.Values{}
	}
	ret.Set("done", what)
	ret.Set("app", itoa(appID))
	http.Redirect(w, r, h.base+"/?"+ret.Encode()+"#applications", http.StatusSeeOther)
}

// ---- view model ----

type option struct {
	Value, Label string
	Selected     bool
}

type pipelineStage struct {
	Name, URL string
	Count     int
}

type pageJob struct {
	ID                        int64
	Title, Dept, Location     string
	Employment, URL           string
	Active, Rejected, Hired   int
	Stages                    []pipelineStage
	QuestionCount, StageCount int
}

type logEntry struct {
	At, AtFull, Kind, Text, By, FileURL string
}

type pageRow struct {
	AppID                 int64
	Name, Email, Job      string
	Tags                  []string
	Stage, Status, Reason string
	Applied, AppliedFull  string
	Activity, ActivityAll string
	Active, Highlight     bool
	Stages                []option
	Log                   []logEntry
}

type addForm struct {
	Name, Email string
	JobID       int64
}

type pageData struct {
	Base, Company                 string
	Notice, Error                 string
	APIBase, TokenURL, ClientID   string
	ClientSecret, ActingUser      string
	ActingUserName                string
	Webhooks                      int
	Jobs                          []pageJob
	JobOptions, StageOptions      []option
	StatusOptions, ReasonOptions  []option
	AddJobOptions                 []option
	Q                             string
	Rows                          []pageRow
	Matched, Total                int
	PageNo, Pages                 int
	PrevURL, NextURL, ResetURL    string
	Return                        string
	Form                          addForm
	Filtered                      bool
	CandidateCount, WrittenCount  int
	StatusActive, StatusRejected  int
	StatusHired, ApplicationCount int
}

func relTime(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	case d < 48*time.Hour:
		return "yesterday"
	case d < 90*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
	}
	return t.Format("2 Jan 2006")
}

func fullTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func (h *pageHandler) render(w http.ResponseWriter, r *http.Request, status int, errMsg string, form addForm) {
	d := h.build(r, errMsg, form)
	var buf bytes.Buffer
	if err := h.tpl.Execute(&buf, d); err != nil {
		h.s.log.Error("Sandbox page failed to render", "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

func (h *pageHandler) build(r *http.Request, errMsg string, form addForm) pageData {
	s := h.s
	q := r.URL.Query()
	fJob, _ := strconv.ParseInt(q.Get("job"), 10, 64)
	fStage := q.Get("stage")
	fStatus := q.Get("status")
	fQ := strings.TrimSpace(q.Get("q"))
	pageNo, _ := strconv.Atoi(q.Get("p"))
	pageNo = max(pageNo, 1)
	doneApp, _ := strconv.ParseInt(q.Get("app"), 10, 64)

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.now()
	svc := st.serviceUser()
	d := pageData{Base: h.base, Company: companyName, Error: errMsg, APIBase: s.BaseURL(), TokenURL: s.TokenURL(),
		ClientID: clientID, ClientSecret: clientSecret,
		ActingUser: itoa(svc.ID), ActingUserName: svc.name(), Webhooks: s.webhookCount(), Q: fQ, Form: form,
		CandidateCount: len(st.Candidates), ApplicationCount: len(st.Applications)}
	if st.jobByID[fJob] == nil {
		fJob = 0
	}
	listURL := func(v url.Values) string {
		if len(v) == 0 {
			return h.base + "/#applications"
		}
		return h.base + "/?" + v.Encode() + "#applications"
	}

	// Positions with pipelines and counts.
	for _, j := range st.Jobs {
		pj := pageJob{ID: j.ID, Title: j.Title, Dept: j.Department, Location: j.Location, Employment: j.Employment,
			URL: listURL(url.Values{"job": {itoa(j.ID)}}), QuestionCount: len(j.Questions), StageCount: len(st.stagesOf[j.ID])}
		counts := map[int64]int{}
		for _, a := range st.Applications {
			if a.JobID != j.ID {
				continue
			}
			switch a.Status {
			case statusActive:
				pj.Active++
				counts[a.StageID]++
			case statusRejected:
				pj.Rejected++
			case statusHired:
				pj.Hired++
			}
		}
		for _, sg := range st.stagesOf[j.ID] {
			pj.Stages = append(pj.Stages, pipelineStage{Name: sg.Name, Count: counts[sg.ID],
				URL: listURL(url.Values{"job": {itoa(j.ID)}, "stage": {sg.Name}, "status": {statusActive}})})
		}
		d.Jobs = append(d.Jobs, pj)
		d.JobOptions = append(d.JobOptions, option{Value: itoa(j.ID), Label: j.Title, Selected: j.ID == fJob})
		d.AddJobOptions = append(d.AddJobOptions, option{Value: itoa(j.ID), Label: j.Title, Selected: j.ID == form.JobID})
	}
	for _, a := range st.Applications {
		switch a.Status {
		case statusActive:
			d.StatusActive++
		case statusRejected:
			d.StatusRejected++
		case statusHired:
			d.StatusHired++
		}
	}
	d.WrittenCount = len(st.Activities)

	// Stage names in pipeline order (the selected job's, or all jobs').
	var stageNames []string
	for _, sg := range st.Stages {
		if (fJob == 0 || sg.JobID == fJob) && !slices.Contains(stageNames, sg.Name) {
			stageNames = append(stageNames, sg.Name)
		}
	}
	if !slices.Contains(stageNames, fStage) {
		fStage = ""
	}
	for _, n := range stageNames {
		d.StageOptions = append(d.StageOptions, option{Value: n, Label: n, Selected: n == fStage})
	}
	switch fStatus {
	case statusActive, statusRejected, statusHired:
	default:
		fStatus = ""
	}
	for _, o := range [][2]string{{statusActive, "Active"}, {statusRejected, "Rejected"}, {statusHired, "Hired"}} {
		d.StatusOptions = append(d.StatusOptions, option{Value: o[0], Label: o[1], Selected: o[0] == fStatus})
	}
	for _, rr := range st.Reasons {
		d.ReasonOptions = append(d.ReasonOptions, option{Value: itoa(rr.ID), Label: rr.Name})
	}
	d.Filtered = fJob != 0 || fStage != "" || fStatus != "" || fQ != ""
	d.ResetURL = listURL(nil)

	// The applications table: filtered, most recent activity first.
	needle := asciiFold(fQ)
	var rows []*application
	for _, a := range st.Applications {
		if fJob != 0 && a.JobID != fJob || fStatus != "" && a.Status != fStatus ||
			fStage != "" && st.stageByID[a.StageID].Name != fStage {
			continue
		}
		if fQ != "" {
			c := st.candByID[a.CandidateID]
			hay := asciiFold(c.name()) + " " + strings.ToLower(c.Emails[0].Value)
			if !strings.Contains(hay, needle) && !strings.Contains(strings.ToLower(c.name()), strings.ToLower(fQ)) {
				continue
			}
		}
		rows = append(rows, a)
	}
	slices.SortFunc(rows, func(a, b *application) int {
		return cmp.Or(b.LastActivityAt.Compare(a.LastActivityAt), cmp.Compare(b.ID, a.ID))
	})
	d.Matched, d.Total = len(rows), len(st.Applications)
	d.Pages = max(1, (len(rows)+rowsPerPage-1)/rowsPerPage)
	pageNo = min(pageNo, d.Pages)
	d.PageNo = pageNo
	keep := url.Values{}
	if fJob != 0 {
		keep.Set("job", itoa(fJob))
	}
	for k, v := range map[string]string{"stage": fStage, "status": fStatus, "q": fQ} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, x := range keep {
			v[k] = x
		}
		if n > 1 {
			v.Set("p", strconv.Itoa(n))
		}
		return listURL(v)
	}
	if pageNo > 1 {
		d.PrevURL = pageURL(pageNo - 1)
	}
	if pageNo < d.Pages {
		d.NextURL = pageURL(pageNo + 1)
	}
	ret := url.Values{}
	for k, x := range keep {
		ret[k] = x
	}
	if pageNo > 1 {
		ret.Set("p", strconv.Itoa(pageNo))
	}
	d.Return = ret.Encode()

	for _, a := range rows[min((pageNo-1)*rowsPerPage, len(rows)):min(pageNo*rowsPerPage, len(rows))] {
		d.Rows = append(d.Rows, h.row(st, a, now, doneApp))
	}

	// Notice for the action just done.
	if a := st.appByID[doneApp]; a != nil {
		c, j, sg := st.candByID[a.CandidateID], st.jobByID[a.JobID], st.stageByID[a.StageID]
		hooks := "No webhook target is registered, so hireloop will see it at its next sync."
		if d.Webhooks > 0 {
			hooks = "hireloop was notified by webhook."
		}
		switch q.Get("done") {
		case "move":
			d.Notice = "Moved " + c.name() + " (" + j.Title + ") to " + sg.Name + ". " + hooks
		case "reject":
			d.Notice = "Rejected " + c.name() + " for " + j.Title + ". " + hooks
		case "add":
			d.Notice = "Added " + c.name() + " to " + j.Title + " in " + sg.Name + ". " + hooks
		}
	}
	return d
}

func (h *pageHandler) row(st *state, a *application, now time.Time, highlight int64) pageRow {
	c, j, sg := st.candByID[a.CandidateID], st.jobByID[a.JobID], st.stageByID[a.StageID]
	row := pageRow{AppID: a.ID, Name: c.name(), Job: j.Title, Stage: sg.Name, Status: a.Status, Active: a.Status == statusActive,
		Applied: relTime(a.AppliedAt, now), AppliedFull: fullTime(a.AppliedAt),
		Activity: relTime(a.LastActivityAt, now), ActivityAll: fullTime(a.LastActivityAt), Highlight: a.ID == highlight}
	if len(c.Emails) > 0 {
		row.Email = c.Emails[0].Value
	}
	for _, id := range c.TagIDs {
		if t := st.tagByID[id]; t != nil {
			row.Tags = append(row.Tags, t.Name)
		}
	}
	if r := st.reasonByID[a.ReasonID]; r != nil {
		row.Reason = r.Name
	}
	if a.Status == statusActive {
		for _, x := range st.stagesOf[a.JobID] {
			row.Stages = append(row.Stages, option{Value: itoa(x.ID), Label: x.Name, Selected: x.ID == a.StageID})
		}
	}
	acts := st.activityOf[c.ID]
	for i := len(acts) - 1; i >= 0; i-- {
		x := acts[i]
		e := logEntry{At: relTime(x.At, now), AtFull: fullTime(x.At), Kind: x.Kind, Text: x.Text}
		if u := st.userByID[x.UserID]; u != nil {
			e.By = u.name()
		}
		if at := st.attachByID[x.AttachmentID]; at != nil {
			if at.Data != nil {
				e.FileURL = h.base + "/files/" + itoa(at.ID)
			} else {
				e.FileURL = at.URL
			}
		}
		row.Log = append(row.Log, e)
	}
	return row
}
