package sandbox

// companyName is the fictional employer of every seeded position.
const companyName = "Fernhill Group"

// jobSpec describes one seeded position.
type jobSpec struct {
	title, req, dept, office, location, employment string
	stages                                         []string
	questions                                      []question
	html                                           string
	apps                                           int      // seeded applications
	titles                                         []string // candidates' current titles
}

func yesNo(name, label string, required bool) question {
	return question{Name: name, Label: label, Type: "boolean", Required: required, Options: []string{"No", "Yes"}}
}

// jobSpecs returns the seeded positions. Question names follow Harvest
// ("question_<id>"); types are Harvest's job post question types.
func jobSpecs() []jobSpec {
	return []jobSpec{
		{
			title: "Senior Backend Engineer", req: "ENG-214", dept: "Engineering", office: "Berlin",
			location: "Berlin, Germany (hybrid)", employment: "Full-time",
			stages: []string{"Application Review", "Phone Screen", "AI Interview", "Technical Interview", "Hiring Manager Interview", "Offer"},
			apps:   80,
			titles: []string{"Software Engineer", "Backend Developer", "Platform Engineer", "Senior Software Engineer", "Go Developer"},
			questions: []question{
				yesNo("question_31000101", "Are you legally authorized to work in Germany?", true),
				{Name: "question_31000102", Label: "How many years of professional backend development experience do you have?", Type: "number", Required: true},
				{Name: "question_31000103", Label: "Which language do you use most in production today?", Type: "single_select", Required: true,
					Options: []string{"Go", "Java / Kotlin", "Python", "Rust", "TypeScript (Node.js)", "Other"}},
				{Name: "question_31000104", Label: "Tell us about a system you designed that you are proud of, and one thing you would do differently today.", Type: "long_text",
					Answers: []string{
						"I designed the event pipeline for a payments team: Kafka in front of a Go consumer fleet writing to Postgres. Today I would start with a simpler outbox table instead of Kafka; we only needed a few hundred events per second.",
						"A multi-tenant reporting API that replaced nightly CSV exports. I am proud of the caching layer; I would add proper load tests much earlier.",
						"Our booking service's move from a monolith to three services. It cut deploy times from an hour to minutes, but I would keep shared reference data in one place instead of copying it.",
						"I led the rewrite of a search indexer in Rust that now handles 40 million documents. I would document the operational runbooks from day one.",
					}},
				{Name: "question_31000105", Label: "What is your expected annual salary (EUR)?", Type: "short_text",
					Answers: []string{"85,000", "90,000–95,000", "78,000", "100,000", "Open to discuss", "88,000"}},
			},
			html: `<p>Fernhill Group runs clinics, warehouses and a growing software team that keeps both of them moving. Our platform schedules 40,000 deliveries and 6,000 nursing shifts every week, and it has to be right the first time.</p>
<p>As a <strong>Senior Backend Engineer</strong> you will own services in Go and PostgreSQL that plan routes, match shifts to people and talk to dozens of partner APIs. You will work in a team of six engineers, a product manager and a designer, with a lot of say over how we build.</p>
<h3>What you will do</h3>
<ul>
<li>Design, build and operate Go services that handle real-world scheduling under tight deadlines.</li>
<li>Improve reliability: observability, graceful degradation and boring, repeatable deploys.</li>
<li>Review code, mentor two mid-level engineers and help shape our technical roadmap.</li>
<li>Work directly with dispatchers and ward managers to understand the problems we solve.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>5+ years building backend systems in production, ideally in Go, Java or Rust.</li>
<li>Solid SQL and data modelling; you have tuned a slow query and enjoyed it.</li>
<li>Experience with message queues, idempotency and the failure modes of distributed systems.</li>
<li>Clear written communication in English; German is a plus, not a requirement.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>€80,000–€100,000 depending on experience, plus an annual bonus.</li>
<li>Hybrid work: two office days a week in Berlin-Kreuzberg, the rest where you like.</li>
<li>30 vacation days, a €1,500 learning budget and a public-transport pass.</li>
</ul>
<p>We review every application within five working days. The process: a short call, an AI-assisted first interview you can take at a time that suits you, a technical conversation (no whiteboard puzzles) and a meeting with the hiring manager.</p>`,
		},
		{
			title: "Customer Success Manager", req: "CS-087", dept: "Customer Success", office: "London",
			location: "London, United Kingdom", employment: "Full-time",
			stages: []string{"Application Review", "Phone Screen", "AI Interview", "Hiring Manager Interview", "Offer"},
			apps:   55,
			titles: []string{"Account Manager", "Customer Support Lead", "Customer Success Associate", "Client Services Executive"},
			questions: []question{
				yesNo("question_31000201", "Do you have the right to work in the United Kingdom?", true),
				{Name: "question_31000202", Label: "How many years have you worked in a customer-facing role?", Type: "number", Required: true},
				{Name: "question_31000203[]", Label: "Which customer tools have you used?", Type: "multi_select",
					Options: []string{"Salesforce", "HubSpot", "Gainsight", "Zendesk", "Intercom"}},
				{Name: "question_31000204", Label: "Describe a time you turned an unhappy customer into an advocate.", Type: "long_text", Required: true,
					Answers: []string{
						"A logistics client was about to churn after three missed SLAs. I set up weekly calls, shared a fix plan with dates and kept every promise. They renewed for two years and now speak at our user events.",
						"A hospital group felt ignored after onboarding. I mapped their stakeholders, ran training for night staff and built a simple health dashboard. Usage tripled within a quarter.",
						"A customer escalated to our CEO about billing errors. I owned the fix end to end, credited them proactively and explained what changed. They later referred two new accounts.",
					}},
			},
			html: `<p>Our customers are hospitals, care homes and retailers who rely on Fernhill's scheduling platform every single day. When something is unclear or goes wrong, they need a calm, competent partner. That is you.</p>
<p>As a <strong>Customer Success Manager</strong> you will look after a portfolio of around 40 accounts in the UK and Ireland, from onboarding to renewal.</p>
<h3>What you will do</h3>
<ul>
<li>Run onboarding and quarterly business reviews with operations leaders.</li>
<li>Spot risk early using product data, and act on it before the customer has to ask.</li>
<li>Turn customer feedback into clear, prioritised input for our product team.</li>
<li>Grow accounts by helping customers get more value, not by pushing features.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>3+ years in customer success, account management or a similar customer-facing role.</li>
<li>Comfort with numbers: you can build a simple health score and explain it.</li>
<li>Excellent spoken and written English; experience in healthcare or logistics is a plus.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>£48,000–£58,000 plus a retention-based bonus.</li>
<li>Office near Old Street, three days a week; 27 days holiday plus bank holidays.</li>
<li>Private healthcare and an enhanced parental leave policy.</li>
</ul>`,
		},
		{
			title: "Sales Development Representative", req: "SAL-142", dept: "Sales", office: "Austin",
			location: "Austin, TX, United States", employment: "Full-time",
			stages: []string{"Application Review", "AI Interview", "Hiring Manager Interview", "Offer"},
			apps:   70,
			titles: []string{"Sales Associate", "Customer Service Representative", "Retail Supervisor", "Student", "Recruitment Consultant"},
			questions: []question{
				yesNo("question_31000301", "Are you authorized to work in the United States without visa sponsorship?", true),
				yesNo("question_31000302", "Are you comfortable with a compensation plan where about 30% of your pay depends on targets?", true),
				{Name: "question_31000303", Label: "How did you hear about this job?", Type: "single_select",
					Options: []string{"LinkedIn", "A friend or colleague", "Indeed", "University career fair", "Other"}},
			},
			html: `<p>Fernhill is bringing its scheduling platform to hospitals and distribution centers across North America, and we are building our first sales team in Austin.</p>
<p>As a <strong>Sales Development Representative</strong> you are the first conversation many customers have with us. You will research accounts, reach out to operations leaders and book qualified meetings for our account executives.</p>
<h3>What you will do</h3>
<ul>
<li>Prospect into hospitals, clinics and 3PL warehouses by phone, email and LinkedIn.</li>
<li>Qualify interest with thoughtful questions, then hand over clear notes.</li>
<li>Keep our CRM tidy and share what you learn with marketing and product.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>Curiosity, resilience and a genuine interest in how hospitals and warehouses work.</li>
<li>Any experience in a target-driven role: retail, hospitality, recruiting or sales.</li>
<li>Clear, friendly communication; Spanish is a plus.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>$52,000 base plus uncapped commission (on-target earnings around $75,000).</li>
<li>A structured 8-week training program and a clear path to Account Executive.</li>
<li>Medical, dental and vision coverage from day one; 401(k) with a 4% match.</li>
</ul>`,
		},
		{
			title: "Warehouse Shift Lead", req: "OPS-033", dept: "Operations", office: "Rotterdam",
			location: "Rotterdam, Netherlands", employment: "Full-time (shifts)",
			stages: []string{"Application Review", "AI Interview", "On-site Visit", "Offer"},
			apps:   60,
			titles: []string{"Warehouse Associate", "Forklift Operator", "Team Leader", "Logistics Coordinator", "Order Picker"},
			questions: []question{
				yesNo("question_31000401", "Do you have the right to work in the Netherlands?", true),
				{Name: "question_31000402[]", Label: "Which shifts can you work?", Type: "multi_select", Required: true,
					Options: []string{"Early (06:00–14:30)", "Late (14:00–22:30)", "Night (22:00–06:30)", "Weekends"}},
				yesNo("question_31000403", "Do you hold a valid reach truck or forklift certificate?", false),
				{Name: "question_31000404", Label: "How many years have you led a team in a warehouse or production setting?", Type: "number", Required: true},
			},
			html: `<p>Our Rotterdam distribution center ships medical supplies to 300 clinics across the Benelux, 24 hours a day. Every order matters: a late delivery can mean a postponed operation.</p>
<p>As a <strong>Warehouse Shift Lead</strong> you run a shift of 12 to 20 colleagues in inbound, picking and dispatch. You keep people safe, the flow moving and the numbers honest.</p>
<h3>What you will do</h3>
<ul>
<li>Plan the shift, assign tasks and adjust when trucks are early, late or missing.</li>
<li>Coach your team on safety, quality and the warehouse management system.</li>
<li>Handle escalations with carriers and the customer service desk.</li>
<li>Report on productivity and incidents at the shift handover.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>2+ years leading a team in a warehouse, production or logistics environment.</li>
<li>A reach truck or forklift certificate, or willingness to get one in your first month.</li>
<li>Good Dutch or English; the other is a plus.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>€3,100–€3,600 gross per month plus shift allowances of up to 35%.</li>
<li>Rotating schedule published four weeks ahead; no split shifts.</li>
<li>Free parking, a bike plan and paid training towards an MBO logistics diploma.</li>
</ul>`,
		},
		{
			title: "Registered Nurse (Night)", req: "CLN-118", dept: "Clinical", office: "Manchester",
			location: "Manchester, United Kingdom", employment: "Full-time (nights)",
			stages: []string{"Application Review", "Credential Check", "AI Interview", "Panel Interview", "Offer"},
			apps:   45,
			titles: []string{"Staff Nurse", "Registered Nurse", "Healthcare Assistant", "Agency Nurse", "Nursing Student"},
			questions: []question{
				yesNo("question_31000501", "Are you a registered nurse with an active NMC PIN?", true),
				{Name: "question_31000502", Label: "How many years of experience do you have in acute or inpatient care?", Type: "number", Required: true},
				{Name: "question_31000503", Label: "Which specialty best describes your recent experience?", Type: "single_select", Required: true,
					Options: []string{"Adult medical", "Surgical", "Elderly care", "Mental health", "Emergency", "Other"}},
			},
			html: `<p>Fernhill Care runs three step-down units in Greater Manchester for patients who are ready to leave hospital but not yet ready to go home. Our night teams are small, close and trusted.</p>
<p>As a <strong>Registered Nurse on nights</strong> you lead care for up to 14 patients with the support of two healthcare assistants and an on-call clinician.</p>
<h3>What you will do</h3>
<ul>
<li>Assess, plan and deliver person-centred care through the night.</li>
<li>Administer medication, monitor observations and escalate deterioration early.</li>
<li>Support patients and families with dignity, especially at the end of life.</li>
<li>Hand over clearly to the day team and keep records accurate in our digital care system.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>Active NMC registration (RGN); newly qualified nurses are welcome with a supported preceptorship.</li>
<li>Confidence working nights as part of a small team.</li>
<li>Kindness, calm under pressure and good judgement.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>£33,500–£39,000 plus a 30% night enhancement.</li>
<li>Three 12.5-hour nights per week, self-rostering within the team.</li>
<li>Funded revalidation, NHS pension transfer options and free on-site parking.</li>
</ul>`,
		},
		{
			title: "Marketing Intern", req: "MKT-009", dept: "Marketing", office: "Lisbon",
			location: "Lisbon, Portugal", employment: "Internship (6 months)",
			stages: []string{"Application Review", "AI Interview", "Hiring Manager Interview", "Offer"},
			apps:   40,
			titles: []string{"Student", "Marketing Assistant (part-time)", "Social Media Volunteer"},
			questions: []question{
				yesNo("question_31000601", "Are you currently enrolled in a degree programme or graduated within the last 12 months?", true),
				{Name: "question_31000602", Label: "Why marketing, and why Fernhill?", Type: "long_text", Required: true,
					Answers: []string{
						"I like turning complicated things into simple stories. Healthcare logistics is complicated, and I would love to learn how you explain it to nurses and warehouse managers.",
						"I ran the Instagram account for my university's volunteering society and grew it from 300 to 4,000 followers. I want to do the same for a company that does something useful.",
						"My mother is a night nurse, so scheduling problems were dinner-table conversation at home. Marketing a product that fixes them sounds meaningful.",
					}},
			},
			html: `<p>Fernhill's marketing team is four people in Lisbon telling the story of a platform that keeps clinics and warehouses running. We are looking for an intern who wants to learn by doing real work.</p>
<p>As our <strong>Marketing Intern</strong> you will support campaigns across LinkedIn, email and events, and you will own at least one project from idea to results.</p>
<h3>What you will do</h3>
<ul>
<li>Write and schedule social posts and help produce short customer videos.</li>
<li>Prepare event materials for healthcare and logistics trade shows.</li>
<li>Track campaign results and present what worked (and what did not) every month.</li>
</ul>
<h3>What you bring</h3>
<ul>
<li>You are studying, or recently graduated in, marketing, communications or a related field.</li>
<li>Strong written English; Portuguese or Spanish is a plus.</li>
<li>Curiosity about B2B marketing and a portfolio, blog or social account we can look at.</li>
</ul>
<h3>What we offer</h3>
<ul>
<li>A paid internship (€1,000 per month) with a dedicated mentor.</li>
<li>Hybrid work from our Cais do Sodré office.</li>
<li>A real chance of a junior role at the end of the internship.</li>
</ul>`,
		},
	}
}
