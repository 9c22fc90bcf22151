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
  hireloop scoring eval --set FILE.jsonl|builtin:NAME [--json] [--llm-url URL --llm-model M]
                 [--workspace ID] [--concurrency N]
                                               measure a scorer against human-scored answers
                                               (the key comes from HIRELOOP_LLM_KEY); exits 3 when
                                               no LLM endpoint is configured
  hireloop backup --to FILE                    write a consistent copy of the database (safe while serving)
  hireloop healthcheck [flags]                 exit 0 when the server at --addr answers /healthz (for containers)
  hireloop version                             print the version

Every command accepts the configuration flags; see 'hireloop serve -h'.
`

// errUsage marks mistakes in the command line itself (exit status 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// exitError ends a command with its own exit status and its own one-line
// message, printed as it is: for outcomes a script must tell apart from
// failures (status 1) and usage mistakes (status 2).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

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
	var ee exitError
	if errors.As(err, &ee) {
		fmt.Fprintln(c.Stderr, oneLine(ee.msg))
		return ee.code
	}
	fmt.Fprintln(c.Stderr, "hireloop: "+oneLine(err.Error()))
	var ue errUsage
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// commands maps each command line verb ("serve", "connections add") to
// its implementation.
var commands = map[string]func(*CLI, []string) error{
	"serve":                (*CLI).serve,
	"config":               (*CLI).config,
	"migrate":              (*CLI).migrate,
	"backup":               (*CLI).backup,
	"healthcheck":          (*CLI).healthcheck,
	"version":              (*CLI).version,
	"help":                 (*CLI).help,
	"user create":          (*CLI).userCreate,
	"workspace create":     (*CLI).workspaceCreate,
	"token create":         (*CLI).tokenCreate,
	"connections add":      (*CLI).connectionsAdd,
	"connections list":     (*CLI).connectionsList,
	"connections test":     (*CLI).connectionsTest,
	"connections delete":   (*CLI).connectionsDelete,
	"connections webhooks": (*CLI).connectionsWebhooks,
	"sync":                 (*CLI).sync,
	"scoring eval":         (*CLI).scoringEval,
}

// subcommands lists the second words a first word takes, in usage order.
var subcommands = map[string][]string{
	"user": {"create"}, "workspace": {"create"}, "token": {"create"},
	"connections": {"add", "list", "test", "webhooks", "delete"},
	"scoring":     {"eval"},
}

func (c *CLI) dispatch(args []string) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if subs, ok := subcommands[cmd]; ok {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return errUsage{fmt.Sprintf("'%s' needs a subcommand: %s; see 'hireloop help'", cmd, orList(subs))}
		}
		cmd, args = cmd+" "+args[0], args[1:]
	}
	run, ok := commands[cmd]
	if !ok {
		return errUsage{fmt.Sprintf("unknown command %q; see 'hireloop help'", cmd)}
	}
	return run(c, args)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func (c *CLI) version([]string) error {
	fmt.Fprintln(c.Stdout, "hireloop "+c.Version)
	return nil
}

func (c *CLI) help([]string) error {
	fmt.Fprint(c.Stdout, usage)
	return nil
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

// withApp builds the instance without serving (store, key and services)
// for f, and closes it after.
func (c *CLI) withApp(cfg app.Config, f func(a *app.App) error) error {
	a, err := app.New(c.Ctx, cfg, app.Options{Version: c.Version})
	if err != nil {
		return err
	}
	defer a.Close()
	return f(a)
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
