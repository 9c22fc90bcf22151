package ats

import (
	"maps"
	"slices"
	"sync"
)

// Info is how a connector describes itself to the console's connect form:
// its title, which connection fields apply and what to call them, and the
// help texts. Connectors register it from init next to Register and
// Declare, so a new connector brings its own texts.
type Info struct {
	Title string
	// Fields lists the connection fields that apply (api_key,
	// integration_id, acting_user_id, base_url, webhook_secret).
	Fields []string
	// Labels rename connection fields in the vendor's words (Recruitee's
	// "Company ID" goes in integration_id).
	Labels         map[string]string
	KeyHelp        string
	ActingHelp     string
	DefaultBaseURL string
	WebhookSetup   string
	Documentation  string
}

// Clone returns a deep copy, so callers cannot change what is registered.
func (i Info) Clone() Info {
	i.Fields = slices.Clone(i.Fields)
	i.Labels = maps.Clone(i.Labels)
	return i
}

var (
	infoMu sync.RWMutex
	infos  = map[string]Info{}
)

// RegisterInfo records what the console shows about the connector
// registered under name. It panics on an empty name, a programming error
// caught at init time.
func RegisterInfo(name string, i Info) {
	if name == "" {
		panic("ats: RegisterInfo with empty name")
	}
	infoMu.Lock()
	defer infoMu.Unlock()
	infos[name] = i.Clone()
}

// InfoOf returns the Info registered under name.
func InfoOf(name string) (Info, bool) {
	infoMu.RLock()
	defer infoMu.RUnlock()
	i, ok := infos[name]
	if !ok {
		return Info{}, false
	}
	return i.Clone(), true
}
