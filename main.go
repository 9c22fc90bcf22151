// Command hireloop is a self-hosted AI interview and pre-screening platform
// that plugs into an applicant tracking system. See README.md.
package main

import (
	"os"

	"github.com/hireloop/hireloop/app"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	cli := &app.CLI{Version: version, UI: uiFS(), Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(cli.Run(os.Args[1:]))
}
