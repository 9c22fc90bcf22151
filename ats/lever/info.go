package lever

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Lever before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Lever",
	Fields:         []string{"api_key", "acting_user_id", "base_url", "webhook_secret"},
	KeyHelp:        "Lever: Settings → Integrations and API → API Credentials → Generate New Key. Grant read access to opportunities, postings, stages, archive reasons, tags and users, and write access to notes, files, links, stage, archived and tags. Use https://api.sandbox.lever.co/v1 as the base URL for a Lever sandbox.",
	ActingHelp:     "The Lever user id hireloop writes as (sent as perform_as). Pick a service user.",
	DefaultBaseURL: "https://api.lever.co/v1",
	WebhookSetup:   "Easiest: after connecting, press \"Register webhooks in Lever\" on the connection; hireloop creates one webhook per event through Lever's API and keeps the signature token of each. By hand instead: Settings → Integrations and API → Webhooks. Turn on Candidate Stage Change (and Application created, Archive change, Hired, Deleted), paste the webhook URL, and copy each webhook's signature token into the webhook secret here, separated by spaces.",
	Documentation:  "https://hire.lever.co/developer/documentation",
}
