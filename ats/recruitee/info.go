package recruitee

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Recruitee before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Recruitee",
	Labels:         map[string]string{"api_key": "Personal API token", "integration_id": "Company ID"},
	Fields:         []string{"api_key", "integration_id", "base_url", "webhook_secret"},
	KeyHelp:        "API key: a personal API token from Recruitee > Settings > Apps and plugins > Personal API tokens (+ New token). It acts with the rights of the user who creates it, so create it as a user whose hiring role can see all jobs and candidates and can move, disqualify, tag and add notes and files. Integration ID: your Recruitee company id, shown on the same page (also in app URLs after company=). Leave the base URL empty unless you go through a proxy (https://api.recruitee.com/c/{company_id} is used).",
	DefaultBaseURL: "https://api.recruitee.com/c/{company_id}",
	WebhookSetup:   "In Recruitee go to Settings > Apps and plugins > Webhooks and click + New webhook (your role needs the \"Manage webhooks\" ability). Paste hireloop's webhook URL as the POST URL (HTTPS), select the candidate events (at least candidate moved, created, assigned and deleted) and the job events, and click Verify and create: hireloop answers Recruitee's test request. Then open the webhook, copy its secret and paste it into hireloop's webhook secret field; deliveries are checked against the X-Recruitee-Signature header.",
	Documentation:  "https://docs.recruitee.com/reference",
}
