package ashby

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Ashby before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Ashby",
	Fields:         []string{"api_key", "base_url", "webhook_secret"},
	KeyHelp:        "Ashby: Admin → Integrations → API Keys → Create. Grant read access to jobs, job postings, interview plans and stages, candidates, applications, archive reasons, tags and users, and write access to candidates (notes, tags) and applications (stage changes). Writes are made as the key's owner.",
	DefaultBaseURL: "https://api.ashbyhq.com",
	WebhookSetup:   "Easiest: after connecting, press \"Register webhooks in Ashby\" on the connection; hireloop creates the webhooks through Ashby's API (the API key needs the webhooks permission) with a secret it keeps. By hand instead: Admin → Integrations → Webhooks → Add. Choose Candidate stage change (and Application submitted/updated, Candidate hired/deleted), paste the webhook URL, and set the secret token to the webhook secret saved here.",
	Documentation:  "https://developers.ashbyhq.com",
}
