package merge

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Merge before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Merge (unified ATS API)",
	Labels:         map[string]string{"integration_id": "Linked account token", "acting_user_id": "Acting user (Merge user id)"},
	Fields:         []string{"api_key", "integration_id", "acting_user_id", "base_url", "webhook_secret"},
	KeyHelp:        "API key: Merge dashboard → API Keys (production or test access key; it is sent as Authorization: Bearer). Integration id: the customer's linked-account token (account_token) that Merge returns when the customer finishes Merge Link, also shown on the Linked Account page; it selects whose ATS is read (X-Account-Token). Merge limits each linked account to 100 requests/min on Launch, 400 on Professional, 600 on Enterprise; hireloop assumes 100. Leave base URL empty for the US region, or use https://api-eu.merge.dev/api/ats/v1, https://api-ap.merge.dev/api/ats/v1 or https://api-sandbox.merge.dev/api/ats/v1.",
	ActingHelp:     "The Merge id (not the ATS id) of the user that notes, files, stage moves and tags are attributed to: pick a user from the synced users list (Merge's RemoteUser, GET /users). Every Merge write needs it.",
	DefaultBaseURL: "https://api.merge.dev/api/ats/v1",
	WebhookSetup:   "Webhooks are set up in the Merge dashboard, not by hireloop: Merge dashboard → Advanced configuration → Webhooks → + Webhook, paste hireloop's webhook URL, select the events \"Changed data\" (Application, Candidate, Job, JobInterviewStage changes) and \"Linked Account synced\", save, then open the webhook's Security section and copy the signature key into the webhook secret field. Merge signs each delivery with X-Merge-Webhook-Signature; webhooks are shared by every linked account of your Merge organisation.",
	Documentation:  "https://docs.merge.dev/merge-unified/ats/integrations/overview",
}
