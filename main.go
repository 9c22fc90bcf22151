// Command hireloop is a self-hosted AI interview and pre-screening platform
// that plugs into an applicant tracking system. See README.md.
package main

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/cli"
	"github.com/hireloop/hireloop/ats/sandbox"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	c := &cli.CLI{Version: version, UI: uiFS(), Stdout: os.Stdout, Stderr: os.Stderr, StartSandbox: startSandbox}
	os.Exit(c.Run(os.Args[1:]))
}

// startSandbox runs the built-in Sandbox ATS on a loopback port, keeping
// its state next to the database so a restart keeps the demo's moves.
func startSandbox(cfg app.Config, log *slog.Logger) (app.Sandbox, error) {
	return sandbox.Start(sandbox.Options{
		StatePath: filepath.Join(cfg.DataDir, "sandbox-state.json"),
		Logger:    log.With(slog.String("component", "sandbox")),
	})
}
