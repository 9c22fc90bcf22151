// Package cli is hireloop's command line: one file per command. Commands
// parse their flags, open the instance (app.New) and call the same
// services as the HTTP API; they print results and render the services'
// typed errors as one line (field errors as the flags to fix).
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// CLI is the command line. main builds one and calls Run; tests do the same
// with buffers.
type CLI struct {
	Version string
	UI      fs.FS
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Getenv  func(string) string
	// Ctx is cancelled to stop "serve"; main ties it to SIGTERM/SIGINT.
	Ctx context.Context
	// StartSandbox starts the demo ATS for "serve --demo"; main provides
	// it so that app does not depend on the sandbox package.
	StartSandbox func(cfg app.Config, log *slog.Logger) (app.Sandbox, error)
}

const usage = `hireloop: self-hosted AI interviews for your ATS

Usage:
  hireloop [serve] [flags]                     run the server (the default)
  hireloop config [flags]                      print the effective configuration (secrets redacted)
  hireloop migrate [flags]                     apply database migrations and exit
  hireloop user create --email E --password P [--name N] [--admin]
                                               create an account (--password - reads it from stdin)
  hireloop workspace create --name N --owner EMAIL
                                               create a workspace; prints its id
  hireloop token create --email E --name N     create an API token; prints it once
  hireloop connections add --workspace ID --provider NAME [--api-key KEY|-] [--base-url URL]
                 [--integration-id ID] [--acting-user ID] [--webhook-secret S] [--interval 3h]
                                               connect an ATS (tests it first); prints the id
  hireloop connections list [--workspace ID] [--json]
  hireloop connections test --connection ID    check the credentials against the ATS
  hireloop connections delete --connection ID  delete a connection, its synced data and the webhooks
                                               hireloop registered at the ATS
  hireloop connections webhooks --connection ID [--remove]
                                               register the webhook URL through the ATS's API
                                               (Lever, Ashby, Workable, SmartRecruiters), or remove it
  hireloop sync --connection ID [--full] [--json]
                                               sync now, wait, print the summary
  hireloop backup --to FILE                    write a consistent copy of the database (safe while serving)
  hireloop healthcheck [flags]                 exit 0 when the server at --addr answers /healthz (for containers)
  hireloop version                             print the version

Every command accepts the configuration flags; see 'hireloop serve -h'.
`

// errUsage marks mistakes in the command line itself (exit status 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// Run executes one command and returns the process exit status. Every
// failure is one line on stderr, prefixed "hireloop:".
func (c *CLI) Run(args []string) int {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.Ctx == nil {
		c.Ctx = context.Background()
	}
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	err := c.dispatch(args)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(c.Stderr, "hireloop: "+oneLine(err.Error()))
	var ue errUsage
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *CLI) dispatch(args []string) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	sub := func() (string, []string, error) {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return "", nil, errUsage{"'" + cmd + "' needs a subcommand; see 'hireloop help'"}
		}
		return args[0], args[1:], nil
	}
	switch cmd {
	case "serve":
		return c.serve(args)
	case "config":
		return c.config(args)
	case "migrate":
		return c.migrate(args)
	case "backup":
		return c.backup(args)
	case "version":
		fmt.Fprintln(c.Stdout, "hireloop "+c.Version)
		return nil
	case "healthcheck":
		return c.healthcheck(args)
	case "connections":
		return c.connections(args)
	case "sync":
		return c.sync(args)
	case "help", "-h", "--help":
		fmt.Fprint(c.Stdout, usage)
		return nil
	case "user", "workspace", "token":
		s, rest, err := sub()
		if err != nil {
			return err
		}
		switch cmd + " " + s {
		case "user create":
			return c.userCreate(rest)
		case "workspace create":
			return c.workspaceCreate(rest)
		case "token create":
			return c.tokenCreate(rest)
		}
		return errUsage{fmt.Sprintf("unknown command %q; see 'hireloop help'", cmd+" "+s)}
	}
	return errUsage{fmt.Sprintf("unknown command %q; see 'hireloop help'", cmd)}
}

// flags builds a FlagSet with the configuration flags; parse returns the config.
func (c *CLI) flags(name string, without ...string) (*flag.FlagSet, func(args []string) (app.Config, error)) {
	fset := flag.NewFlagSet("hireloop "+name, flag.ContinueOnError)
	fset.SetOutput(c.Stderr)
	resolve := app.ConfigFlags(fset, c.Getenv, without...)
	return fset, func(args []string) (app.Config, error) {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return app.Config{}, err
			}
			return app.Config{}, errUsage{err.Error()}
		}
		if fset.NArg() > 0 {
			return app.Config{}, errUsage{fmt.Sprintf("unexpected argument %q", fset.Arg(0))}
		}
		return resolve()
	}
}

// openStore prepares the data dir and opens the migrated database, as the
// server would; it is safe to run while the server is serving.
func (c *CLI) openStore(cfg app.Config) (*store.Store, error) {
	if err := app.PrepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	return app.OpenStore(c.Ctx, cfg, slog.New(slog.NewTextHandler(c.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func (c *CLI) readPassword(v string) (string, error) {
	if v != "-" {
		return v, nil
	}
	line, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// open builds the instance without serving: store, key and services.
func (c *CLI) open(cfg app.Config) (*app.App, error) {
	return app.New(c.Ctx, cfg, app.Options{Version: c.Version})
}

// fieldError turns a service's field errors into one command-line line
// naming the flags to fix (a usage error, exit status 2); other errors of
// the services print their message.
func fieldError(err error) error {
	ae, ok := apperr.As(err)
	if !ok {
		return err
	}
	if len(ae.Fields) == 0 {
		return errors.New(ae.Message)
	}
	parts := make([]string, 0, len(ae.Fields))
	for _, f := range ae.Fields.Keys() {
		parts = append(parts, "--"+strings.ReplaceAll(f, "_", "-")+" "+ae.Fields[f])
	}
	return errUsage{strings.Join(parts, "; ")}
}

// accounts opens the store alone (no secret key, no schedules): users,
// workspaces and tokens need nothing else.
func (c *CLI) accounts(cfg app.Config) (*accounts.Service, func(), error) {
	st, err := c.openStore(cfg)
	if err != nil {
		return nil, nil, err
	}
	return &accounts.Service{Store: st, Log: slog.New(slog.DiscardHandler)}, func() { st.Close() }, nil
}
