package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

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
	StartSandbox func(cfg Config, log *slog.Logger) (Sandbox, error)
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
func (c *CLI) flags(name string, without ...string) (*flag.FlagSet, func(args []string) (Config, error)) {
	fset := flag.NewFlagSet("hireloop "+name, flag.ContinueOnError)
	fset.SetOutput(c.Stderr)
	resolve := ConfigFlags(fset, c.Getenv, without...)
	return fset, func(args []string) (Config, error) {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return Config{}, err
			}
			return Config{}, errUsage{err.Error()}
		}
		if fset.NArg() > 0 {
			return Config{}, errUsage{fmt.Sprintf("unexpected argument %q", fset.Arg(0))}
		}
		return resolve()
	}
}

func (c *CLI) serve(args []string) error {
	fset, parse := c.flags("serve")
	demo := fset.Bool("demo", c.Getenv("HIRELOOP_DEMO") == "1", "also run the built-in Sandbox ATS, to try hireloop without an ATS account (env HIRELOOP_DEMO=1)")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	log := NewLogger(cfg, c.Stderr)
	// Bind first: a port in use is reported before anything else happens.
	ln, err := Listen(cfg.Addr)
	if err != nil {
		return err
	}
	var sb Sandbox
	if *demo && c.StartSandbox == nil {
		ln.Close()
		return errors.New("demo mode is not available in this build")
	}
	if *demo {
		if err := prepareDataDir(cfg.DataDir); err != nil {
			ln.Close()
			return err
		}
		if sb, err = c.StartSandbox(cfg, log); err != nil {
			ln.Close()
			return fmt.Errorf("sandbox ATS: %w", err)
		}
		log.Info("Demo mode: the Sandbox ATS is running", slog.String("page", cfg.BaseURL+"/sandbox/"), slog.String("api", sb.BaseURL()))
	}
	a, err := New(c.Ctx, cfg, Options{Version: c.Version, Logger: log, UI: c.UI, Sandbox: sb})
	if err != nil {
		ln.Close()
		if sb != nil {
			sb.Close()
		}
		return err
	}
	ctx, stop := signal.NotifyContext(c.Ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := a.Serve(ctx, ln); err != nil {
		return err
	}
	log.Info("hireloop stopped")
	return nil
}

func (c *CLI) config(args []string) error {
	_, parse := c.flags("config")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	cfg.Print(c.Stdout)
	return nil
}

// openStore prepares the data dir and opens the migrated database, as the
// server would; it is safe to run while the server is serving.
func (c *CLI) openStore(cfg Config) (*store.Store, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	return OpenStore(c.Ctx, cfg, slog.New(slog.NewTextHandler(c.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func (c *CLI) migrate(args []string) error {
	_, parse := c.flags("migrate")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return err
	}
	st, err := store.Open(cfg.DBPath())
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(c.Ctx)
	if err != nil {
		return err
	}
	v, err := st.SchemaVersion(c.Ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(c.Stdout, "database is up to date at version %d\n", v)
	} else {
		fmt.Fprintf(c.Stdout, "applied %d migration(s); database is at version %d\n", len(applied), v)
	}
	return nil
}

func (c *CLI) backup(args []string) error {
	fset, parse := c.flags("backup")
	to := fset.String("to", "", "file to write the backup to (must not exist)")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *to == "" {
		return errUsage{"backup needs --to FILE"}
	}
	if _, err := os.Stat(*to); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", *to)
	}
	abs, err := filepath.Abs(*to)
	if err != nil {
		return err
	}
	st, err := c.openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(c.Ctx, abs); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "backup written to %s\nkeep %s with it: stored credentials cannot be read without the secret key\n",
		abs, filepath.Join(cfg.DataDir, secretKeyFile))
	return nil
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

func (c *CLI) userCreate(args []string) error {
	fset, parse := c.flags("user create")
	email := fset.String("email", "", "email address (sign-in name)")
	password := fset.String("password", "", "password, at least 10 characters; - reads it from stdin")
	name := fset.String("name", "", "display name (default: the part of the email before @)")
	admin := fset.Bool("admin", false, "make the user an instance administrator")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	pw, err := c.readPassword(*password)
	if err != nil {
		return err
	}
	if msg := validEmail(*email); msg != "" {
		return errUsage{"--email " + msg}
	}
	if msg := validatePassword(pw); msg != "" {
		return errUsage{"--password " + msg}
	}
	n := strings.TrimSpace(*name)
	if n == "" {
		n, _, _ = strings.Cut(*email, "@")
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	st, err := c.openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(c.Ctx, *email, n, hash, *admin)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user with email %s already exists", *email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, u.ID)
	return nil
}

func (c *CLI) workspaceCreate(args []string) error {
	fset, parse := c.flags("workspace create")
	name := fset.String("name", "", "workspace name")
	owner := fset.String("owner", "", "email of the user who becomes its admin")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if msg := validName(strings.TrimSpace(*name), true, 100); msg != "" {
		return errUsage{"--name " + msg}
	}
	if *owner == "" {
		return errUsage{"--owner is required"}
	}
	st, err := c.openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(c.Ctx, *owner)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s; create it first with 'hireloop user create'", *owner)
	}
	if err != nil {
		return err
	}
	ws, err := st.CreateWorkspace(c.Ctx, strings.TrimSpace(*name), u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, ws.ID)
	return nil
}

func (c *CLI) tokenCreate(args []string) error {
	fset, parse := c.flags("token create")
	email := fset.String("email", "", "email of the token's owner")
	name := fset.String("name", "", "a name that says what the token is for")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *email == "" {
		return errUsage{"--email is required"}
	}
	if msg := validName(strings.TrimSpace(*name), true, 100); msg != "" {
		return errUsage{"--name " + msg}
	}
	st, err := c.openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(c.Ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s", *email)
	}
	if err != nil {
		return err
	}
	secret, prefix := newAPIToken()
	if _, err := st.CreateToken(c.Ctx, u.ID, strings.TrimSpace(*name), prefix, sha(secret)); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, secret)
	return nil
}

// healthcheck lets a container image without curl probe the server.
func (c *CLI) healthcheck(args []string) error {
	_, parse := c.flags("healthcheck")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return fmt.Errorf("unhealthy: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: /healthz answered %s", res.Status)
	}
	fmt.Fprintln(c.Stdout, "ok")
	return nil
}

func sortStrings(s []string) { sort.Strings(s) }
