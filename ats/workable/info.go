package workable

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Workable before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Workable",
	Labels:         map[string]string{"base_url": "Workable API URL", "acting_user_id": "Member ID (member_id)"},
	Fields:         []string{"api_key", "acting_user_id", "base_url"},
	KeyHelp:        "In Workable go to Settings → Integrations → Apps → Generate API token (account owners/admins). Grant the scopes r_jobs, r_candidates, w_candidates and w_comments (reading jobs, stages, members and candidates; moving, disqualifying, tagging and commenting), plus w_webhooks where offered, for real-time updates. The API URL must name your account: https://<your subdomain>.workable.com/spi/v3 (the subdomain is the one in your Workable address). Account tokens get 10 requests per 10 seconds, so a first sync of a large account takes a while.",
	ActingHelp:     "Workable attributes comments, moves and disqualifications to a member (member_id). Pick the member hireloop writes as from the synced users list, or take the id from GET /spi/v3/members. Tags need no member.",
	DefaultBaseURL: "https://{subdomain}.workable.com/spi/v3",
	WebhookSetup:   "After connecting, press \"Register webhooks in Workable\" on the connection: hireloop creates the candidate_created and candidate_moved subscriptions through Workable's API; nothing to paste in Workable. Workable signs deliveries with your API token, so hireloop uses the token as the webhook secret; if you regenerate the token, register the webhooks again.",
	Documentation:  "https://workable.readme.io/reference",
}
