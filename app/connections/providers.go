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

// sandboxInfo describes the built-in demo ATS, which is no vendor.
var sandboxInfo = ProviderInfo{
	Title:        "Sandbox ATS (demo)",
	Fields:       []string{},
	KeyHelp:      "A built-in ATS with sample positions and candidates, for trying hireloop without an ATS account. Open its page to move candidates between stages and watch hireloop follow.",
	WebhookSetup: "Nothing to do: the sandbox sends signed webhooks to hireloop by itself.",
	SandboxOnly:  true,
}

// info describes a provider for the console: a vendor's registration
// (ats.RegisterInfo), or the sandbox.
func info(name string) (ProviderInfo, bool) {
	if name == ProviderSandbox {
		return sandboxInfo, true
	}
	i, ok := ats.InfoOf(name)
	if !ok {
		return ProviderInfo{}, false
	}
	return ProviderInfo{Title: i.Title, Fields: i.Fields, KeyHelp: i.KeyHelp, ActingHelp: i.ActingHelp, DefaultBase: i.DefaultBaseURL,
		WebhookSetup: i.WebhookSetup, Documentation: i.Documentation, Labels: i.Labels}, true
}

// Title is a provider's name for people ("Kombo (100+ ATS)").
func Title(name string) string {
	if p, ok := info(name); ok {
		return p.Title
	}
	return name
}

// WebhookSetup is the provider's steps for webhooks set up in its own
// admin screens.
func WebhookSetup(name string) string {
	p, _ := info(name)
	return p.WebhookSetup
}

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
		p, _ := info(name)
		p.Name = name
		if p.Title == "" {
			p.Title = strings.ToUpper(name[:1]) + name[1:]
		}
		provider := name
		if name == ProviderSandbox {
			provider = s.Sandbox.Provider()
		}
		if caps, ok := ats.Declared(provider); ok {
			p.Capabilities = CapsViewOf(caps)
		}
		out = append(out, p)
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
