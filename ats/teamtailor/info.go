package teamtailor

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Teamtailor before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Teamtailor",
	Labels:         map[string]string{"api_key": "API key (Admin scope)", "acting_user_id": "User ID for notes"},
	Fields:         []string{"api_key", "acting_user_id", "base_url", "webhook_secret"},
	KeyHelp:        "In Teamtailor go to Settings > Integrations > API keys (Administrator only) and create a key with the Admin scope and read/write access: candidates, job applications, stages, notes and uploads are not available to Public or Internal keys. hireloop sends it as 'Authorization: Token token=<key>' with X-Api-Version 20240404. Base URL: https://api.teamtailor.com/v1 for the EU stack (default); use https://api.na.teamtailor.com/v1 for North America or https://api.au.teamtailor.com/v1 for Australia. Attachments: Teamtailor downloads the interview PDF from hireloop's signed result link, so hireloop must be reachable from the internet for attachments.",
	ActingHelp:     "The Teamtailor user id that notes (including the result-link note) are attributed to. After saving the key, pick the user from the users hireloop synced from Teamtailor (GET /v1/users); moves, rejections, tags and uploads need no user.",
	DefaultBaseURL: "https://api.teamtailor.com/v1",
	WebhookSetup:   "In Teamtailor go to Settings > Integrations > Webhooks (needs the Webhooks feature and an administrator), click Add webhook, give it a label, paste hireloop's webhook URL, select the events candidate.create/update/destroy, job.create/update/destroy and job_application.create/update/destroy, choose signature version v2, save, then copy the generated signature key into the webhook secret field here and use Test. Teamtailor does not retry failed deliveries; hireloop's scheduled sync picks up anything a missed webhook would have reported.",
	Documentation:  "https://docs.teamtailor.com",
}
