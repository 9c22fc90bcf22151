package connections

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// ProviderSandbox is the built-in emulated ATS of demo mode.
const ProviderSandbox = "sandbox"

// ProviderInfo is what the console needs to render a connect form.
type ProviderInfo struct {
	Name          string   `json:"name"`
	Title         string   `json:"title"`
	Fields        []string `json:"fields"` // which connection fields apply
	KeyHelp       string   `json:"key_help"`
	ActingHelp    string   `json:"acting_user_help,omitempty"`
	DefaultBase   string   `json:"default_base_url,omitempty"`
	Capabilities  CapsView `json:"capabilities"`
	WebhookSetup  string   `json:"webhook_setup"`
	SandboxOnly   bool     `json:"sandbox,omitempty"`
	Documentation string   `json:"documentation,omitempty"`
	// Labels rename connection fields in the vendor's words (Recruitee's
	// "Company ID" goes in integration_id).
	Labels map[string]string `json:"labels,omitempty"`
}

var providerTexts = map[string]ProviderInfo{
	"greenhouse": {
		Title:  "Greenhouse",
		Fields: []string{"integration_id", "api_key", "acting_user_id", "base_url", "webhook_secret"},
		KeyHelp: "Greenhouse switched off Harvest v1/v2 API keys on 2026-08-31; hireloop uses Harvest v3 with OAuth client credentials. " +
			"In Greenhouse go to Configure → Dev Center → API Credential Management → Create new API credentials and choose \"Harvest V3 (OAuth)\" " +
			"(you need the \"Can manage ALL organization's API Credentials\" developer permission). Copy the Client ID into Client ID and the " +
			"Client secret into Client secret, then under Manage scopes grant list access to Jobs, Job posts, Job interview stages, Candidates, " +
			"Applications, Rejection details, Rejection reasons, Candidate tags, Users, Notes and Attachments, and for write-back: create notes, " +
			"create attachments, move and reject applications, create candidate tags and applied candidate tags. " +
			"Leave the base URL empty unless you route through a proxy.",
		ActingHelp:    "The numeric Greenhouse user id hireloop acts as (sent as sub when requesting tokens; notes, moves and rejections are recorded as this user). Open the user in Greenhouse and take the number from the page URL; pick a service user with the permissions above.",
		DefaultBase:   "https://harvest.greenhouse.io/v3",
		WebhookSetup:  "Greenhouse: Configure → Dev Center → Web Hooks → Create New Web Hook. Paste the webhook URL, choose \"Candidate has changed stage\" (and any other events), and set the secret key to the webhook secret saved here.",
		Documentation: "https://harvestdocs.greenhouse.io",
		Labels:        map[string]string{"integration_id": "Client ID", "api_key": "Client secret", "acting_user_id": "User ID (sub)"},
	},
	"kombo": {
		Title:         "Kombo (100+ ATS)",
		Fields:        []string{"api_key", "integration_id", "base_url", "webhook_secret"},
		KeyHelp:       "Kombo dashboard → Secrets → create an API key. The integration id is shown on the integration's page once your customer has connected their ATS.",
		DefaultBase:   "https://api.kombo.dev/v1",
		WebhookSetup:  "Kombo dashboard → Webhooks → add an endpoint with the webhook URL and subscribe to data-changed; copy its signing secret into the webhook secret here.",
		Documentation: "https://docs.kombo.dev/ats",
	},
	"ashby": {
		Title:         "Ashby",
		Fields:        []string{"api_key", "base_url", "webhook_secret"},
		KeyHelp:       "Ashby: Admin → Integrations → API Keys → Create. Grant read access to jobs, job postings, interview plans and stages, candidates, applications, archive reasons, tags and users, and write access to candidates (notes, tags) and applications (stage changes). Writes are made as the key's owner.",
		DefaultBase:   "https://api.ashbyhq.com",
		WebhookSetup:  "Easiest: after connecting, press \"Register webhooks in Ashby\" on the connection; hireloop creates the webhooks through Ashby's API (the API key needs the webhooks permission) with a secret it keeps. By hand instead: Admin → Integrations → Webhooks → Add. Choose Candidate stage change (and Application submitted/updated, Candidate hired/deleted), paste the webhook URL, and set the secret token to the webhook secret saved here.",
		Documentation: "https://developers.ashbyhq.com",
	},
	"lever": {
		Title:         "Lever",
		Fields:        []string{"api_key", "acting_user_id", "base_url", "webhook_secret"},
		KeyHelp:       "Lever: Settings → Integrations and API → API Credentials → Generate New Key. Grant read access to opportunities, postings, stages, archive reasons, tags and users, and write access to notes, files, links, stage, archived and tags. Use https://api.sandbox.lever.co/v1 as the base URL for a Lever sandbox.",
		ActingHelp:    "The Lever user id hireloop writes as (sent as perform_as). Pick a service user.",
		DefaultBase:   "https://api.lever.co/v1",
		WebhookSetup:  "Easiest: after connecting, press \"Register webhooks in Lever\" on the connection; hireloop creates one webhook per event through Lever's API and keeps the signature token of each. By hand instead: Settings → Integrations and API → Webhooks. Turn on Candidate Stage Change (and Application created, Archive change, Hired, Deleted), paste the webhook URL, and copy each webhook's signature token into the webhook secret here, separated by spaces.",
		Documentation: "https://hire.lever.co/developer/documentation",
	},
	"bamboohr": {
		Title:         "BambooHR",
		Labels:        map[string]string{"base_url": "Company domain or API base URL"},
		Fields:        []string{"api_key", "base_url"},
		KeyHelp:       "In BambooHR, click your name (top right) → API Keys → Add New Key, name it \"hireloop\" and copy the key (it is shown once). BambooHR keys act as the user who created them: that user needs access to Hiring / ATS settings, and every comment and status change hireloop writes appears under that user. Base URL: https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1 with your subdomain (acme for acme.bamboohr.com) — or just type the subdomain. BambooHR has no sandbox; use a trial account to test.",
		ActingHelp:    "Not needed: BambooHR has no acting-user parameter, so writes are attributed to the owner of the API key. Create the key as the recruiter (or a dedicated integration user) you want comments to show.",
		DefaultBase:   "https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1",
		WebhookSetup:  "Nothing to set up: BambooHR sends no applicant-tracking webhooks, so hireloop polls BambooHR on its sync schedule (a full scan each time; use Sync now for an immediate update).",
		Documentation: "https://documentation.bamboohr.com/reference",
	},
	"recruitee": {
		Title:         "Recruitee",
		Labels:        map[string]string{"api_key": "Personal API token", "integration_id": "Company ID"},
		Fields:        []string{"api_key", "integration_id", "base_url", "webhook_secret"},
		KeyHelp:       "API key: a personal API token from Recruitee > Settings > Apps and plugins > Personal API tokens (+ New token). It acts with the rights of the user who creates it, so create it as a user whose hiring role can see all jobs and candidates and can move, disqualify, tag and add notes and files. Integration ID: your Recruitee company id, shown on the same page (also in app URLs after company=). Leave the base URL empty unless you go through a proxy (https://api.recruitee.com/c/{company_id} is used).",
		DefaultBase:   "https://api.recruitee.com/c/{company_id}",
		WebhookSetup:  "In Recruitee go to Settings > Apps and plugins > Webhooks and click + New webhook (your role needs the \"Manage webhooks\" ability). Paste hireloop's webhook URL as the POST URL (HTTPS), select the candidate events (at least candidate moved, created, assigned and deleted) and the job events, and click Verify and create: hireloop answers Recruitee's test request. Then open the webhook, copy its secret and paste it into hireloop's webhook secret field; deliveries are checked against the X-Recruitee-Signature header.",
		Documentation: "https://docs.recruitee.com/reference",
	},
	"smartrecruiters": {
		Title:         "SmartRecruiters",
		Labels:        map[string]string{"integration_id": "Company identifier (optional, for screening questions)"},
		Fields:        []string{"api_key", "integration_id", "base_url"},
		KeyHelp:       "A SmartRecruiters administrator creates a Customer API key (API credentials in the admin settings); hireloop sends it as the X-SmartToken header. It must be allowed to read jobs, candidates, users and configuration, to update candidates and post messages, and to manage webhooks for real-time updates. The optional company identifier is what follows https://careers.smartrecruiters.com/ in your default career site address (an administrator finds it under Settings > Career Pages & Job Ads); with it hireloop imports each job's screening questions from its public posting. Leave the base URL empty for https://api.smartrecruiters.com.",
		DefaultBase:   "https://api.smartrecruiters.com",
		WebhookSetup:  "After connecting, press \"Register webhooks in SmartRecruiters\" on the connection: hireloop registers the webhook subscription through the SmartRecruiters Webhooks API, answers the X-Hook-Secret activation handshake and stores the signing key SmartRecruiters issues; nothing to paste. hireloop's webhook URL must be reachable over HTTPS with a certificate from a public CA (SmartRecruiters rejects self-signed ones) and answer within 20 seconds.",
		Documentation: "https://developers.smartrecruiters.com/docs/webhooks-security",
	},
	"merge": {
		Title:         "Merge (unified ATS API)",
		Labels:        map[string]string{"integration_id": "Linked account token", "acting_user_id": "Acting user (Merge user id)"},
		Fields:        []string{"api_key", "integration_id", "acting_user_id", "base_url", "webhook_secret"},
		KeyHelp:       "API key: Merge dashboard → API Keys (production or test access key; it is sent as Authorization: Bearer). Integration id: the customer's linked-account token (account_token) that Merge returns when the customer finishes Merge Link, also shown on the Linked Account page; it selects whose ATS is read (X-Account-Token). Merge limits each linked account to 100 requests/min on Launch, 400 on Professional, 600 on Enterprise; hireloop assumes 100. Leave base URL empty for the US region, or use https://api-eu.merge.dev/api/ats/v1, https://api-ap.merge.dev/api/ats/v1 or https://api-sandbox.merge.dev/api/ats/v1.",
		ActingHelp:    "The Merge id (not the ATS id) of the user that notes, files, stage moves and tags are attributed to: pick a user from the synced users list (Merge's RemoteUser, GET /users). Every Merge write needs it.",
		DefaultBase:   "https://api.merge.dev/api/ats/v1",
		WebhookSetup:  "Webhooks are set up in the Merge dashboard, not by hireloop: Merge dashboard → Advanced configuration → Webhooks → + Webhook, paste hireloop's webhook URL, select the events \"Changed data\" (Application, Candidate, Job, JobInterviewStage changes) and \"Linked Account synced\", save, then open the webhook's Security section and copy the signature key into the webhook secret field. Merge signs each delivery with X-Merge-Webhook-Signature; webhooks are shared by every linked account of your Merge organisation.",
		Documentation: "https://docs.merge.dev/merge-unified/ats/integrations/overview",
	},
	"teamtailor": {
		Title:         "Teamtailor",
		Labels:        map[string]string{"api_key": "API key (Admin scope)", "acting_user_id": "User ID for notes"},
		Fields:        []string{"api_key", "acting_user_id", "base_url", "webhook_secret"},
		KeyHelp:       "In Teamtailor go to Settings > Integrations > API keys (Administrator only) and create a key with the Admin scope and read/write access: candidates, job applications, stages, notes and uploads are not available to Public or Internal keys. hireloop sends it as 'Authorization: Token token=<key>' with X-Api-Version 20240404. Base URL: https://api.teamtailor.com/v1 for the EU stack (default); use https://api.na.teamtailor.com/v1 for North America or https://api.au.teamtailor.com/v1 for Australia. Attachments: Teamtailor downloads the interview PDF from hireloop's signed result link, so hireloop must be reachable from the internet for attachments.",
		ActingHelp:    "The Teamtailor user id that notes (including the result-link note) are attributed to. After saving the key, pick the user from the users hireloop synced from Teamtailor (GET /v1/users); moves, rejections, tags and uploads need no user.",
		DefaultBase:   "https://api.teamtailor.com/v1",
		WebhookSetup:  "In Teamtailor go to Settings > Integrations > Webhooks (needs the Webhooks feature and an administrator), click Add webhook, give it a label, paste hireloop's webhook URL, select the events candidate.create/update/destroy, job.create/update/destroy and job_application.create/update/destroy, choose signature version v2, save, then copy the generated signature key into the webhook secret field here and use Test. Teamtailor does not retry failed deliveries; hireloop's scheduled sync picks up anything a missed webhook would have reported.",
		Documentation: "https://docs.teamtailor.com",
	},
	"workable": {
		Title:         "Workable",
		Labels:        map[string]string{"base_url": "Workable API URL", "acting_user_id": "Member ID (member_id)"},
		Fields:        []string{"api_key", "acting_user_id", "base_url"},
		KeyHelp:       "In Workable go to Settings → Integrations → Apps → Generate API token (account owners/admins). Grant the scopes r_jobs, r_candidates, w_candidates and w_comments (reading jobs, stages, members and candidates; moving, disqualifying, tagging and commenting), plus w_webhooks where offered, for real-time updates. The API URL must name your account: https://<your subdomain>.workable.com/spi/v3 (the subdomain is the one in your Workable address). Account tokens get 10 requests per 10 seconds, so a first sync of a large account takes a while.",
		ActingHelp:    "Workable attributes comments, moves and disqualifications to a member (member_id). Pick the member hireloop writes as from the synced users list, or take the id from GET /spi/v3/members. Tags need no member.",
		DefaultBase:   "https://{subdomain}.workable.com/spi/v3",
		WebhookSetup:  "After connecting, press \"Register webhooks in Workable\" on the connection: hireloop creates the candidate_created and candidate_moved subscriptions through Workable's API; nothing to paste in Workable. Workable signs deliveries with your API token, so hireloop uses the token as the webhook secret; if you regenerate the token, register the webhooks again.",
		Documentation: "https://workable.readme.io/reference",
	},
	"personio": {
		Title:         "Personio",
		Fields:        []string{"integration_id", "api_key", "base_url"},
		KeyHelp:       "In Personio go to Settings > Integrations > API credentials > Create custom integration (admin rights needed), name it e.g. hireloop and grant the Recruiting read scope (personio:recruiting:read). Copy the Client ID into Client ID (stored as the integration id) and the Client secret, which Personio shows only once, into Client secret (stored as the API key). hireloop exchanges them for short-lived access tokens itself. Personio's Recruiting API is read-only: hireloop syncs jobs, candidates, applications and phases, but cannot write notes, files, tags, moves or rejections back. Leave the base URL empty unless you route through a proxy.",
		DefaultBase:   "https://api.personio.de",
		WebhookSetup:  "Nothing to set up: Personio's webhooks cover employee (Person) events only, not recruiting, so hireloop polls Personio on its sync schedule.",
		Documentation: "https://developer.personio.de/reference/get_v2-recruiting-applications",
		Labels:        map[string]string{"integration_id": "Client ID", "api_key": "Client secret"},
	},
	ProviderSandbox: {
		Title:        "Sandbox ATS (demo)",
		Fields:       []string{},
		KeyHelp:      "A built-in ATS with sample positions and candidates, for trying hireloop without an ATS account. Open its page to move candidates between stages and watch hireloop follow.",
		WebhookSetup: "Nothing to do: the sandbox sends signed webhooks to hireloop by itself.",
		SandboxOnly:  true,
	},
}

// Title is a provider's name for people ("Kombo (100+ ATS)").
func Title(name string) string {
	if p, ok := providerTexts[name]; ok {
		return p.Title
	}
	return name
}

// WebhookSetup is the provider's steps for webhooks set up in its own
// admin screens.
func WebhookSetup(name string) string { return providerTexts[name].WebhookSetup }

// Names lists the providers a connection can use here: every registered
// connector, plus the sandbox in demo mode.
func (s *Service) Names() []string {
	names := ats.Providers()
	if s.Sandbox != nil {
		names = append(names, ProviderSandbox)
	}
	sort.Strings(names)
	return names
}

// Providers describes each provider with its declared capabilities.
func (s *Service) Providers() []ProviderInfo {
	var out []ProviderInfo
	for _, name := range s.Names() {
		info := providerTexts[name]
		info.Name = name
		if info.Title == "" {
			info.Title = strings.ToUpper(name[:1]) + name[1:]
		}
		provider := name
		if name == ProviderSandbox {
			provider = s.Sandbox.Provider()
		}
		if caps, ok := ats.Declared(provider); ok {
			info.Capabilities = CapsViewOf(caps)
		}
		out = append(out, info)
	}
	return out
}

// matrixActions are the write options, in the order recruiters think of them.
var matrixActions = []struct {
	action ats.WriteAction
	title  string
}{
	{ats.ActionResultLink, "result link"}, {ats.ActionNote, "note"}, {ats.ActionAttachment, "PDF attachment"},
	{ats.ActionMoveStage, "move stage"}, {ats.ActionReject, "reject"}, {ats.ActionAddTag, "add tag"},
}

// PrintCapabilityMatrix writes the Markdown table of what each connector
// can write back, generated from the connectors' declared capabilities
// (README.md embeds it; a test keeps it current).
func PrintCapabilityMatrix(w io.Writer) {
	fmt.Fprint(w, "| ATS |")
	for _, m := range matrixActions {
		fmt.Fprintf(w, " %s |", m.title)
	}
	fmt.Fprint(w, " webhooks |\n|---|")
	for range matrixActions {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w, "---|")
	for _, name := range ats.Providers() {
		caps, ok := ats.Declared(name)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s |", Title(name))
		for _, m := range matrixActions {
			s := caps.Writes[m.action]
			if s.Supported {
				cell := "yes, on the " + string(s.Target)
				if m.action == ats.ActionAttachment && s.Transport != "" {
					cell += " (" + strings.ReplaceAll(string(s.Transport), "_", " ") + ")"
				}
				fmt.Fprintf(w, " %s |", cell)
			} else {
				fmt.Fprintf(w, " no: %s |", strings.ReplaceAll(s.Reason, "|", "/"))
			}
		}
		switch {
		case caps.Webhooks.Supported && caps.Webhooks.Setup == "api":
			fmt.Fprintf(w, " yes (%s), registered by hireloop |\n", caps.Webhooks.SignatureScheme)
		case caps.Webhooks.Supported:
			fmt.Fprintf(w, " yes (%s), set up in the ATS |\n", caps.Webhooks.SignatureScheme)
		default:
			fmt.Fprint(w, " no: polled on the sync schedule |\n")
		}
	}
}
