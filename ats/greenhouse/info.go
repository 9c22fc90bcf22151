package greenhouse

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Greenhouse before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:  "Greenhouse",
	Fields: []string{"integration_id", "api_key", "acting_user_id", "base_url", "webhook_secret"},
	KeyHelp: "Greenhouse switched off Harvest v1/v2 API keys on 2026-08-31; hireloop uses Harvest v3 with OAuth client credentials. " +
		"In Greenhouse go to Configure → Dev Center → API Credential Management → Create new API credentials and choose \"Harvest V3 (OAuth)\" " +
		"(you need the \"Can manage ALL organization's API Credentials\" developer permission). Copy the Client ID into Client ID and the " +
		"Client secret into Client secret, then under Manage scopes grant list access to Jobs, Job posts, Job interview stages, Departments, " +
		"Offices, Candidates, Applications, Rejection details, Rejection reasons, Candidate tags, Applied candidate tags, Users, Notes and " +
		"Attachments, and for write-back: create notes, " +
		"create attachments, move and reject applications, create candidate tags and applied candidate tags. " +
		"Leave the base URL empty unless you route through a proxy.",
	ActingHelp:     "The numeric Greenhouse user id hireloop acts as (sent as sub when requesting tokens; notes, moves and rejections are recorded as this user). Open the user in Greenhouse and take the number from the page URL; pick a service user with the permissions above.",
	DefaultBaseURL: "https://harvest.greenhouse.io/v3",
	WebhookSetup:   "Greenhouse: Configure → Dev Center → Web Hooks → Create New Web Hook. Paste the webhook URL, choose \"Candidate has changed stage\" (and any other events), and set the secret key to the webhook secret saved here.",
	Documentation:  "https://harvestdocs.greenhouse.io",
	Labels:         map[string]string{"integration_id": "Client ID", "api_key": "Client secret", "acting_user_id": "User ID (sub)"},
}
