package kombo

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for Kombo before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "Kombo (100+ ATS)",
	Fields:         []string{"api_key", "integration_id", "base_url", "webhook_secret"},
	KeyHelp:        "Kombo dashboard → Secrets → create an API key. The integration id is shown on the integration's page once your customer has connected their ATS.",
	DefaultBaseURL: "https://api.kombo.dev/v1",
	WebhookSetup:   "Kombo dashboard → Webhooks → add an endpoint with the webhook URL and subscribe to data-changed; copy its signing secret into the webhook secret here.",
	Documentation:  "https://docs.kombo.dev/ats",
}
