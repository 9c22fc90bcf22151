package ats

import "sync"

var (
	declaredMu sync.RWMutex
	declared   = map[string]Capabilities{}
)

// Declare records a connector's declared capabilities under its registry
// name, so the console can show what each ATS supports (the capability
// matrix, the connect gallery) before any connection exists. Connectors
// call it from init next to Register.
func Declare(name string, c Capabilities) {
	declaredMu.Lock()
	defer declaredMu.Unlock()
	declared[name] = c.Clone()
}

// Declared returns the capabilities a connector declared, without any
// network call or credentials.
func Declared(name string) (Capabilities, bool) {
	declaredMu.RLock()
	defer declaredMu.RUnlock()
	c, ok := declared[name]
	if !ok {
		return Capabilities{}, false
	}
	return c.Clone(), true
}
