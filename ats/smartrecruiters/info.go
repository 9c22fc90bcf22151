package smartrecruiters

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for SmartRecruiters before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "SmartRecruiters",
	Labels:         map[string]string{"integration_id": "Company identifier (optional, for screening questions)"},
	Fields:         []string{"api_key", "integration_id", "base_url"},
	KeyHelp:        "A SmartRecruiters administrator creates a Customer API key (API credentials in the admin settings); hireloop sends it as the X-SmartToken header. It must be allowed to read jobs, candidates, users and configuration, to update candidates and post messages, and to manage webhooks for real-time updates. The optional company identifier is what follows https://careers.smartrecruiters.com/ in your default career site address (an administrator finds it under Settings > Career Pages & Job Ads); with it hireloop imports each job's screening questions from its public posting. Leave the base URL empty for https://api.smartrecruiters.com.",
	DefaultBaseURL: "https://api.smartrecruiters.com",
	WebhookSetup:   "After connecting, press \"Register webhooks in SmartRecruiters\" on the connection: hireloop registers the webhook subscription through the SmartRecruiters Webhooks API, answers the X-Hook-Secret activation handshake and stores the signing key SmartRecruiters issues; nothing to paste. hireloop's webhook URL must be reachable over HTTPS with a certificate from a public CA (SmartRecruiters rejects self-signed ones) and answer within 20 seconds.",
	Documentation:  "https://developers.smartrecruiters.com/docs/webhooks-security",
}
