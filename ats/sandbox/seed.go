package sandbox

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Seeded sizes.
const (
	seedCandidates = 300
	// seedSecondApps candidates applied to a second position.
	seedSecondApps = 50
)

// First ids of each kind; Harvest ids are plain integers.
const (
	firstUserID      = 4080001
	firstJobID       = 4012001
	firstPostID      = 5023001
	firstStageID     = 7101001
	firstCandidateID = 19000001
	firstAppID       = 23000001
	firstTagID       = 301
	firstReasonID    = 1001
	firstSourceID    = 201
	firstDeptID      = 60001
	firstOfficeID    = 70001
	// nextIDStart is where ids of objects created at runtime begin.
	nextIDStart = 60000000
)

func sources() []string {
	return []string{"LinkedIn", "Indeed", "Company careers page", "Referral", "Agency", "University career fair", "Glassdoor"}
}

func fictionalEmployers() []string {
	return []string{"Brightline Logistics", "Nimbus Software", "St. Aidan's Hospital", "Harbor Retail", "Bluefin Analytics",
		"Copperleaf Care", "Orbit Telecom", "Kestrel Freight", "Maple & Finch", "Larkspur Health", "Quayside Foods", "Tidewater Systems"}
}

func emailDomains() []string {
	return []string{"example.com", "example.net", "example.org", "mail.example", "inbox.example"}
}

// seed builds the demo data deterministically; timestamps are spread over
// the ~60 days before now.
func seed(now time.Time) *state {
	rng := rand.New(rand.NewPCG(20260601, 42))
	base := now.UTC().Truncate(time.Millisecond)
	ago := func(days float64) time.Time {
		return base.Add(-time.Duration(days * float64(24*time.Hour))).Truncate(time.Millisecond)
	}
	st := &state{Version: stateVersion, SeededAt: base, Clock: base, NextID: nextIDStart}

	// Users: four people and the service user hireloop writes as.
	people := []struct {
		first, last string
		admin       bool
	}{
		{"Priya", "Raman", false},    // recruiter
		{"Daniel", "Okoro", false},   // engineering manager
		{"Camille", "Laurent", true}, // head of people
		{"Henrik", "Aalto", false},   // operations manager
		{"hireloop", "Integration", true},
	}
	for i, p := range people {
		email := asciiFold(p.first) + "." + asciiFold(p.last) + "@fernhill.example"
		u := &user{ID: int64(firstUserID + i), FirstName: p.first, LastName: p.last, Email: email, SiteAdmin: p.admin,
			EmpID: "FH-" + strconv.Itoa(1040+i), CreatedAt: ago(400 - float64(i)*30), UpdatedAt: ago(90)}
		if p.first == "hireloop" {
			u.Service = true
			u.Email = "hireloop-integration@fernhill.example"
			u.EmpID = ""
			u.CreatedAt, u.UpdatedAt = ago(61), ago(61)
		}
		st.Users = append(st.Users, u)
	}
	recruiter, engManager, headOfPeople, opsManager := st.Users[0], st.Users[1], st.Users[2], st.Users[3]

	for i, name := range []string{"Referral", "Remote OK", "Returning", "Relocation needed", "Internal", "Agency", "Silver medalist"} {
		st.Tags = append(st.Tags, &tag{ID: int64(firstTagID + i), Name: name})
	}
	for i, r := range []struct {
		name string
		typ  int64
	}{
		{"Lacks required experience", 1}, {"Position filled", 1}, {"Failed screening questions", 1},
		{"Not available for the required shifts", 1}, {"Candidate withdrew", 2}, {"Accepted another offer", 2},
	} {
		tn := "We rejected them"
		if r.typ == 2 {
			tn = "They rejected us"
		}
		st.Reasons = append(st.Reasons, &reason{ID: int64(firstReasonID + i), Name: r.name, TypeID: r.typ, TypeName: tn})
	}

	// Jobs, posts and stages.
	specs := jobSpecs()
	stageID := int64(firstStageID)
	for i, sp := range specs {
		created := ago(75 - float64(i)*2.5)
		j := &job{ID: int64(firstJobID + i), Title: sp.title, Requisition: sp.req, Status: "open",
			DeptID: int64(firstDeptID + i), Department: sp.dept, OfficeID: int64(firstOfficeID + i), Office: sp.office,
			Location: sp.location, Employment: sp.employment, RecruiterID: recruiter.ID,
			CreatedAt: created, OpenedAt: created.Add(26 * time.Hour), UpdatedAt: created.Add(50 * time.Hour),
			PostID: int64(firstPostID + i), PostContent: sp.html, PostCreated: created.Add(2 * time.Hour),
			PostUpdated: created.Add(26 * time.Hour), Questions: sp.questions, OpeningCount: 1 + i%3}
		switch sp.dept {
		case "Engineering":
			j.ManagerID = engManager.ID
		case "Operations":
			j.ManagerID = opsManager.ID
		default:
			j.ManagerID = headOfPeople.ID
		}
		st.Jobs = append(st.Jobs, j)
		for k, name := range sp.stages {
			st.Stages = append(st.Stages, &stage{ID: stageID, JobID: j.ID, Name: name, Priority: k,
				CreatedAt: created, UpdatedAt: created.Add(time.Hour)})
			stageID++
		}
	}
	st.index()

	// Candidates.
	regs := regions()
	totalW := 0
	for _, r := range regs {
		totalW += r.weight
	}
	pickRegion := func() region {
		n := rng.IntN(totalW)
		for _, r := range regs {
			if n < r.weight {
				return r
			}
			n -= r.weight
		}
		return regs[0]
	}
	seenName := map[string]bool{}
	seenEmail := map[string]bool{}
	domains := emailDomains()
	for i := 0; i < seedCandidates; i++ {
		var first, last string
		var r region
		for {
			r = pickRegion()
			female := rng.IntN(2) == 0
			if female {
				first = r.female[rng.IntN(len(r.female))]
			} else {
				first = r.male[rng.IntN(len(r.male))]
			}
			last = r.surname(rng.IntN(len(r.surnames)), female)
			if !seenName[first+" "+last] {
				seenName[first+" "+last] = true
				break
			}
		}
		local := asciiFold(first) + "." + asciiFold(last)
		switch rng.IntN(4) {
		case 0:
			local = asciiFold(first)[:1] + asciiFold(last)
		case 1:
			local += strconv.Itoa(70 + rng.IntN(30))
		}
		email := local + "@" + domains[rng.IntN(len(domains))]
		for n := 2; seenEmail[email]; n++ {
			email = local + strconv.Itoa(n) + "@" + domains[rng.IntN(len(domains))]
		}
		seenEmail[email] = true
		c := &candidate{ID: int64(firstCandidateID + i), FirstName: first, LastName: last,
			Emails: []contact{{Value: email, Type: "personal"}}, City: r.cities[rng.IntN(len(r.cities))]}
		if rng.IntN(10) > 0 {
			c.Phones = []contact{{Value: fillDigits(r.phone, rng), Type: "mobile"}}
		}
		if n := rng.IntN(100); n < 40 {
			c.TagIDs = append(c.TagIDs, st.Tags[weightedIndex(rng, []int{30, 25, 12, 10, 5, 8, 10})].ID)
			if n < 8 {
				t2 := st.Tags[rng.IntN(len(st.Tags))].ID
				if t2 != c.TagIDs[0] {
					c.TagIDs = append(c.TagIDs, t2)
				}
			}
		}
		st.Candidates = append(st.Candidates, c)
	}

	// Applications: each candidate applies once, seedSecondApps of them to
	// a second position; positions get their spec's share.
	var jobSlots []int
	for i, sp := range specs {
		for range sp.apps {
			jobSlots = append(jobSlots, i)
		}
	}
	rng.Shuffle(len(jobSlots), func(a, b int) { jobSlots[a], jobSlots[b] = jobSlots[b], jobSlots[a] })
	total := seedCandidates + seedSecondApps
	if len(jobSlots) != total {
		panic("sandbox: job application shares do not add up to the seeded application count")
	}
	second := map[int]bool{}
	srcs := sources()
	employers := fictionalEmployers()
	for i := 0; i < total; i++ {
		ji := jobSlots[i]
		var ci int
		if i < seedCandidates {
			ci = i
		} else {
			for {
				ci = rng.IntN(seedCandidates)
				if !second[ci] && st.appsOf[st.Candidates[ci].ID][0].JobID != st.Jobs[ji].ID {
					second[ci] = true
					break
				}
			}
		}
		c, j, sp := st.Candidates[ci], st.Jobs[ji], specs[ji]
		stages := st.stagesOf[j.ID]
		age := 0.2 + 57.8*rng.Float64()
		if i >= seedCandidates { // the second application is the later one
			first := st.appsOf[c.ID][0]
			age = min(age, base.Sub(first.AppliedAt).Hours()/24*0.8)
		}
		applied := ago(age)
		a := &application{ID: int64(firstAppID + i), CandidateID: c.ID, JobID: j.ID, Status: statusActive, AppliedAt: applied}

		// Where the application is now: a funnel, further for older ones.
		idx := weightedIndex(rng, []int{42, 24, 16, 10, 6, 2}[:len(stages)])
		if age < 3 {
			idx = min(idx, 1)
		}
		roll := rng.IntN(100)
		switch {
		case roll < 3 && age > 20:
			a.Status = statusHired
			idx = len(stages) - 1
		case roll < 22:
			a.Status = statusRejected
			idx = min(idx, len(stages)-2)
			rr := st.Reasons[weightedIndex(rng, []int{34, 14, 18, 8, 16, 10})]
			if rr.Name == "Not available for the required shifts" && !strings.Contains(sp.employment, "shift") && !strings.Contains(sp.employment, "night") {
				rr = st.Reasons[0]
			}
			a.ReasonID = rr.ID
		default:
			idx = min(idx, len(stages)-1)
		}
		a.StageID = stages[idx].ID
		progress := (0.15 + 0.85*float64(idx)/float64(len(stages))) * rng.Float64()
		if a.Status != statusActive {
			progress = 0.5 + 0.5*rng.Float64()
		}
		a.LastActivityAt = applied.Add(time.Duration(progress * age * 0.9 * float64(24*time.Hour))).Truncate(time.Millisecond)
		if a.Status == statusRejected {
			a.RejectedAt = a.LastActivityAt
		}
		srcIdx := weightedIndex(rng, []int{30, 20, 20, 10, 5, 5, 10})
		if containsID(c.TagIDs, st.Tags[0].ID) { // tagged "Referral"
			srcIdx = 3
		}
		a.SourceID, a.Source = int64(firstSourceID+srcIdx), srcs[srcIdx]
		if a.Source == "Referral" {
			a.CreditedToID = st.Users[rng.IntN(4)].ID
		}
		for _, q := range j.Questions {
			a.Answers = append(a.Answers, answer{Question: q.Label, Answer: seedAnswer(rng, q)})
		}
		st.Applications = append(st.Applications, a)
		st.addAppIndex(a)

		if i < seedCandidates {
			c.CreatedAt = applied.Add(-time.Duration(rng.IntN(5000)) * time.Millisecond)
			c.RecruiterID = j.RecruiterID
			if rng.IntN(5) > 0 {
				c.Title = sp.titles[rng.IntN(len(sp.titles))]
				if c.Title != "Student" && c.Title != "Nursing Student" {
					c.Company = employers[rng.IntN(len(employers))]
				}
			}
		}
	}
	for _, c := range st.Candidates {
		c.LastActivity = c.CreatedAt
		for _, a := range st.appsOf[c.ID] {
			if a.LastActivityAt.After(c.LastActivity) {
				c.LastActivity = a.LastActivityAt
			}
		}
		// Profile edits happen between creation and the last activity.
		c.UpdatedAt = c.CreatedAt.Add(time.Duration(rng.Float64() * float64(c.LastActivity.Sub(c.CreatedAt)))).Truncate(time.Millisecond)
	}
	st.index()
	return st
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func weightedIndex(rng *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := rng.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func fillDigits(pattern string, rng *rand.Rand) string {
	var b strings.Builder
	for _, r := range pattern {
		if r == '#' {
			b.WriteByte(byte('0' + rng.IntN(10)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func seedAnswer(rng *rand.Rand, q question) string {
	switch q.Type {
	case "boolean":
		if rng.IntN(10) == 0 {
			return "No"
		}
		return "Yes"
	case "number":
		return strconv.Itoa(weightedIndex(rng, []int{3, 6, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1}))
	case "single_select":
		return q.Options[rng.IntN(len(q.Options))]
	case "multi_select":
		i := rng.IntN(len(q.Options))
		j := rng.IntN(len(q.Options))
		if i == j {
			return q.Options[i]
		}
		return q.Options[min(i, j)] + ", " + q.Options[max(i, j)]
	default:
		if len(q.Answers) == 0 {
			return "—"
		}
		return q.Answers[rng.IntN(len(q.Answers))]
	}
}
