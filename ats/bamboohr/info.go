package bamboohr

import "github.com/hireloop/hireloop/ats"

// info is what the console shows for BambooHR before a connection exists:
// the connect form's fields and labels, and the help texts.
var info = ats.Info{
	Title:          "BambooHR",
	Labels:         map[string]string{"base_url": "Company domain or API base URL"},
	Fields:         []string{"api_key", "base_url"},
	KeyHelp:        "In BambooHR, click your name (top right) → API Keys → Add New Key, name it \"hireloop\" and copy the key (it is shown once). BambooHR keys act as the user who created them: that user needs access to Hiring / ATS settings, and every comment and status change hireloop writes appears under that user. Base URL: https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1 with your subdomain (acme for acme.bamboohr.com) — or just type the subdomain. BambooHR has no sandbox; use a trial account to test.",
	ActingHelp:     "Not needed: BambooHR has no acting-user parameter, so writes are attributed to the owner of the API key. Create the key as the recruiter (or a dedicated integration user) you want comments to show.",
	DefaultBaseURL: "https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1",
	WebhookSetup:   "Nothing to set up: BambooHR sends no applicant-tracking webhooks, so hireloop polls BambooHR on its sync schedule (a full scan each time; use Sync now for an immediate update).",
	Documentation:  "https://documentation.bamboohr.com/reference",
}
