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
  hireloop help [COMMAND]                      print this, or one command's usage and flags

Every command but version and help accepts the configuration flags; 'hireloop help COMMAND' (or
'hireloop COMMAND --help') shows a command's flags. Mistakes in the command line exit with status 2.
`

// errUsage marks mistakes in the command line itself (exit status 2). It
// is printed as one line naming the command, with a pointer to its help,
// so a mistyped flag costs one line instead of a screen of flags.
type errUsage struct {
	msg string
	cmd string // "connections add"; dispatch fills it in
}

func (e errUsage) Error() string { return e.msg }

// line is what the user sees: "hireloop: backup: needs --to FILE; run
// 'hireloop help backup'".
func (e errUsage) line() string {
	where, help := "", "hireloop help"
	if e.cmd != "" {
		where, help = e.cmd+": ", help+" "+e.cmd
	}
	return "hireloop: " + where + oneLine(e.msg) + "; run '" + help + "'"
}

// exitError ends a command with its own exit status and its own one-line
// message, printed as it is: for outcomes a script must tell apart from
// failures (status 1) and usage mistakes (status 2).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// Run executes one command and returns the process exit status. Every
// failure is one line on stderr, prefixed "hireloop:"; asking for help
// prints it on stdout and succeeds.
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
	var ue errUsage
	if errors.As(err, &ue) {
		fmt.Fprintln(c.Stderr, ue.line())
		return 2
	}
	fmt.Fprintln(c.Stderr, "hireloop: "+oneLine(err.Error()))
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// command is one verb of the command line: what runs it, and the two
// lines of its help (the flags come from its FlagSet).
type command struct {
	run      func(*CLI, []string) error
	synopsis string // what follows "hireloop <name>"
	summary  string
}

// commands maps each command line verb ("serve", "connections add") to
// its implementation and help. It is filled in init because help and the
// flag parsers read it: a plain initializer would refer to itself.
var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":       {(*CLI).serve, "[--demo] [flags]", "Run the server (the default command); migrates the database first. --demo adds the Sandbox ATS."},
		"config":      {(*CLI).config, "[flags]", "Print the effective configuration, secrets redacted."},
		"migrate":     {(*CLI).migrate, "[flags]", "Apply database migrations and exit."},
		"backup":      {(*CLI).backup, "--to FILE [flags]", "Write a consistent copy of the database (safe while serving), readable by its owner only."},
		"healthcheck": {(*CLI).healthcheck, "[flags]", "Exit 0 when the server at --addr answers /healthz (for containers)."},
		"version":     {(*CLI).version, "", "Print the version."},
		"help":        {(*CLI).help, "[COMMAND]", "Print the usage of hireloop or of one command."},
		"user create": {(*CLI).userCreate, "--email E --password P [--name N] [--admin] [flags]",
			"Create an account; --password - reads it from stdin. Prints the id."},
		"workspace create": {(*CLI).workspaceCreate, "--name N --owner EMAIL [flags]", "Create a workspace with EMAIL as its admin. Prints the id."},
		"token create":     {(*CLI).tokenCreate, "--email E --name N [flags]", "Create an API token for E. Prints it once."},
		"connections add": {(*CLI).connectionsAdd, "--workspace ID --provider NAME [--api-key KEY|-] [--base-url URL] [--integration-id ID] " +
			"[--acting-user ID] [--webhook-secret S] [--interval 3h] [flags]", "Connect an ATS; the credentials are tested first. Prints the id."},
		"connections list":   {(*CLI).connectionsList, "[--workspace ID] [--json] [flags]", "List connections with their last sync."},
		"connections test":   {(*CLI).connectionsTest, "--connection ID [flags]", "Check the credentials against the ATS."},
		"connections delete": {(*CLI).connectionsDelete, "--connection ID [flags]", "Delete a connection, its synced data and the webhooks hireloop registered at the ATS."},
		"connections webhooks": {(*CLI).connectionsWebhooks, "--connection ID [--remove] [flags]",
			"Register the connection's webhook URL through the ATS's API (Lever, Ashby, Workable, SmartRecruiters), or remove it."},
		"sync": {(*CLI).sync, "--connection ID [--full] [--json] [flags]", "Sync now, wait, and print the summary."},
		"scoring eval": {(*CLI).scoringEval, "--set FILE.jsonl|builtin:NAME [--json] [--llm-url URL --llm-model M] [--workspace ID] [--concurrency N] [flags]",
			"Measure a scorer against human-scored answers (the key comes from HIRELOOP_LLM_KEY); exits 3 when no LLM endpoint is configured."},
	}
}

// subcommands lists the second words a first word takes, in usage order.
var subcommands = map[string][]string{
	"user": {"create"}, "workspace": {"create"}, "token": {"create"},
	"connections": {"add", "list", "test", "webhooks", "delete"},
	"scoring":     {"eval"},
}

// isHelp tells whether arg asks for help, the way the flag package reads it.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h" }

func (c *CLI) dispatch(args []string) error {
	if len(args) > 0 && isHelp(args[0]) {
		return c.help(args[1:])
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if subs, ok := subcommands[cmd]; ok {
		if len(args) > 0 && isHelp(args[0]) {
			return c.help([]string{cmd})
		}
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return errUsage{cmd: cmd, msg: "needs a subcommand: " + orList(subs)}
		}
		cmd, args = cmd+" "+args[0], args[1:]
	}
	run, ok := commands[cmd]
	if !ok {
		return errUsage{msg: fmt.Sprintf("unknown command %q", cmd)}
	}
	err := run.run(c, args)
	var ue errUsage
	if errors.As(err, &ue) && ue.cmd == "" {
		ue.cmd = cmd
		return ue
	}
	return err
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func (c *CLI) version(args []string) error {
	if err := c.parseFlags("version", c.flagSet("version"), args); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, "hireloop "+c.Version)
	return nil
}

// help prints the top-level usage, a command's usage (with its flags), or
// the commands of a family ("hireloop help connections").
func (c *CLI) help(args []string) error {
	switch {
	case len(args) == 0 || len(args) == 1 && isHelp(args[0]):
		fmt.Fprint(c.Stdout, usage)
		return nil
	case len(args) > 2 || strings.HasPrefix(args[0], "-"):
		return errUsage{cmd: "help", msg: fmt.Sprintf("unexpected argument %q", args[len(args)-1])}
	}
	name := strings.Join(args, " ")
	if subs, ok := subcommands[name]; ok {
		fmt.Fprintf(c.Stdout, "Usage: hireloop %s <%s>\n\n", name, strings.Join(subs, "|"))
		for _, sub := range subs {
			cmd := commands[name+" "+sub]
			fmt.Fprintf(c.Stdout, "  hireloop %s %s %s\n      %s\n", name, sub, cmd.synopsis, cmd.summary)
		}
		fmt.Fprintf(c.Stdout, "\nRun 'hireloop help %s <%s>' for its flags.\n", name, strings.Join(subs, "|"))
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		return errUsage{cmd: "help", msg: fmt.Sprintf("unknown command %q", name)}
	}
	if name == "help" {
		fmt.Fprint(c.Stdout, usage)
		return nil
	}
	// The command prints its own usage, flags included, when asked.
	return cmd.run(c, []string{"--help"})
}

// flagSet is an empty FlagSet for command name that never prints on its
// own: parseFlags reports its mistakes in one line and its help on stdout.
func (c *CLI) flagSet(name string) *flag.FlagSet {
	fset := flag.NewFlagSet("hireloop "+name, flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	fset.Usage = func() {}
	return fset
}

// parseFlags parses args for command name. -h and --help print the
// command's usage on stdout and end it with flag.ErrHelp (exit status 0);
// an unknown flag, a bad value or a stray argument is a usage error.
func (c *CLI) parseFlags(name string, fset *flag.FlagSet, args []string) error {
	err := fset.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.commandUsage(name, fset)
		return flag.ErrHelp
	case err != nil:
		return errUsage{msg: err.Error()}
	case fset.NArg() > 0:
		return errUsage{msg: fmt.Sprintf("unexpected argument %q", fset.Arg(0))}
	}
	return nil
}

// commandUsage prints one command's usage, summary and flags on stdout.
func (c *CLI) commandUsage(name string, fset *flag.FlagSet) {
	cmd := commands[name]
	fmt.Fprintf(c.Stdout, "Usage: hireloop %s %s\n\n%s\n", name, cmd.synopsis, cmd.summary)
	n := 0
	fset.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(c.Stdout, "\nFlags:")
		fset.SetOutput(c.Stdout)
		fset.PrintDefaults()
		fset.SetOutput(io.Discard)
	}
}

// flags builds a FlagSet with the configuration flags; parse returns the
// config. A bad configuration value given as a flag is a usage error; one
// from the environment is not (status 1, naming the variable).
func (c *CLI) flags(name string, without ...string) (*flag.FlagSet, func(args []string) (app.Config, error)) {
	fset := c.flagSet(name)
	resolve := app.ConfigFlags(fset, c.Getenv, without...)
	return fset, func(args []string) (app.Config, error) {
		if err := c.parseFlags(name, fset, args); err != nil {
			return app.Config{}, err
		}
		cfg, err := resolve()
		var oe *app.OptionError
		if errors.As(err, &oe) && oe.FromFlag() {
			return cfg, errUsage{msg: err.Error()}
		}
		return cfg, err
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
	return errUsage{msg: strings.Join(parts, "; ")}
}
