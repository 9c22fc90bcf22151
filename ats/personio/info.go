package personio

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Personio before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Personio",
	Fields:         []string{"integration_id", "api_key", "base_url"},
	KeyHelp:        "In Personio go to Settings > Integrations > API credentials > Create custom integration (admin rights needed), name it e.g. hireloop and grant the Recruiting read scope (personio:recruiting:read). Copy the Client ID into Client ID (stored as the integration id) and the Client secret, which Personio shows only once, into Client secret (stored as the API key). hireloop exchanges them for short-lived access tokens itself. Personio's Recruiting API is read-only: hireloop syncs jobs, candidates, applications and phases, but cannot write notes, files, tags, moves or rejections back. Leave the base URL empty unless you route through a proxy.",
	DefaultBaseURL: "https://api.personio.de",
	WebhookSetup:   "Nothing to set up: Personio's webhooks cover employee (Person) events only, not recruiting, so hireloop polls Personio on its sync schedule.",
	Documentation:  "https://developer.personio.de/reference/get_v2-recruiting-applications",
	Labels:         map[string]string{"integration_id": "Client ID", "api_key": "Client secret"},
}
