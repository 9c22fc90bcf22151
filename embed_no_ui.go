//go:build no_ui

package main

import "io/fs"

// uiFS is nil in backend-only builds (go build -tags no_ui): the API works,
// and the root URL explains that the console was left out.
func uiFS() fs.FS { return nil }
