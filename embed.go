//go:build !no_ui

package main

import (
	"embed"
	"io/fs"
)

// The console is built by Vite into ui/dist, which is committed so that
// `go build` works on a fresh clone without Node. all: keeps files whose
// names start with _ or . that Vite may emit.
//
//go:embed all:ui/dist
var uiDist embed.FS

// uiFS returns the built console rooted at dist/.
func uiFS() fs.FS {
	sub, err := fs.Sub(uiDist, "ui/dist")
	if err != nil {
		panic(err) // only possible if the embed pattern above changes
	}
	return sub
}
