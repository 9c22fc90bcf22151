package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hireloop/hireloop/store"
)

// The connection commands let on-prem operators script what the console
// does. They open the same database as a running server (safe: WAL and one
// writer per process, with busy waits), so the server need not be stopped.

// app opens the instance without serving: store, key and connectors.
func (c *CLI) app(cfg Config) (*App, error) {
	return New(c.Ctx, cfg, Options{Version: c.Version})
}

func (c *CLI) connections(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errUsage{"'connections' needs a subcommand: add, list, test, webhooks or delete"}
	}
	switch args[0] {
	case "add":
		return c.connectionsAdd(args[1:])
	case "list":
		return c.connectionsList(args[1:])
	case "test":
		return c.connectionsTest(args[1:])
	case "delete":
		return c.connectionsDelete(args[1:])
	case "webhooks":
		return c.connectionsWebhooks(args[1:])
	}
	return errUsage{fmt.Sprintf("unknown command %q; see 'hireloop help'", "connections "+args[0])}
}

func (c *CLI) connectionsAdd(args []string) error {
	fset, parse := c.flags("connections add", "base-url") // --base-url here is the ATS API's
	ws := fset.Int64("workspace", 0, "workspace id")
	provider := fset.String("provider", "", "ATS provider (greenhouse, kombo, ...)")
	name := fset.String("name", "", "display name (default: the provider's name)")
	baseURL := fset.String("base-url", "", "API base URL override (EU/US data center, sandbox, proxy)")
	apiKey := fset.String("api-key", "", "API key; - reads it from stdin")
	integration := fset.String("integration-id", "", "integration id (Kombo)")
	acting := fset.String("acting-user", "", "ATS user id that writes are attributed to")
	secret := fset.String("webhook-secret", "", "shared secret the ATS signs webhooks with")
	interval := fset.Duration("interval", defaultSyncInterval, "sync interval")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *ws == 0 || *provider == "" {
		return errUsage{"connections add needs --workspace and --provider"}
	}
	key, err := c.readPassword(*apiKey)
	if err != nil {
		return err
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.store.WorkspaceByID(c.Ctx, *ws); err != nil {
		return fmt.Errorf("workspace %d: %w", *ws, err)
	}
	minutes := int64(*interval / time.Minute)
	req := connectionRequest{Provider: *provider, Name: name, BaseURL: baseURL, APIKey: &key, IntegrationID: integration,
		ActingUserID: acting, WebhookSecret: secret, SyncIntervalMinutes: &minutes}
	conn := &store.Connection{WorkspaceID: *ws, WebhookToken: randomToken(24)}
	if err := a.applyConnection(req, conn, true); err != nil {
		return cliFieldError(err)
	}
	caps, err := a.testConnection(c.Ctx, conn)
	if err != nil {
		return errors.New(connectionFailed(err).Message)
	}
	if b, err := json.Marshal(capabilitiesView(caps)); err == nil {
		conn.Capabilities = string(b)
	}
	if err := a.store.CreateConnection(c.Ctx, conn); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, conn.ID)
	return nil
}

// cliFieldError turns a 422 field error into one command-line line.
func cliFieldError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		var parts []string
		for f, m := range ae.Fields {
			parts = append(parts, "--"+strings.ReplaceAll(f, "_", "-")+" "+m)
		}
		return errUsage{strings.Join(parts, "; ")}
	}
	return err
}

func (c *CLI) connectionsList(args []string) error {
	fset, parse := c.flags("connections list")
	ws := fset.Int64("workspace", 0, "only this workspace")
	asJSON := fset.Bool("json", false, "print JSON")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	cs, err := a.store.Connections(c.Ctx, *ws)
	if err != nil {
		return err
	}
	views := make([]connectionView, 0, len(cs))
	for i := range cs {
		v, err := a.viewConnection(c.Ctx, &cs[i])
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	if *asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(views)
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWORKSPACE\tPROVIDER\tNAME\tINTERVAL\tPAUSED\tLAST SYNC")
	for i, v := range views {
		last := "never"
		if v.LastRun != nil {
			last = v.LastRun.Status + " " + v.LastRun.StartedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%v\t%s\n", v.ID, cs[i].WorkspaceID, v.Provider, v.Name,
			time.Duration(v.SyncIntervalMinutes)*time.Minute, v.Paused, last)
	}
	return tw.Flush()
}

func (c *CLI) connectionArg(name string, args []string) (Config, int64, error) {
	fset, parse := c.flags(name)
	id := fset.Int64("connection", 0, "connection id")
	cfg, err := parse(args)
	if err != nil {
		return cfg, 0, err
	}
	if *id == 0 {
		return cfg, 0, errUsage{name + " needs --connection ID"}
	}
	return cfg, *id, nil
}

func (c *CLI) connectionsTest(args []string) error {
	cfg, id, err := c.connectionArg("connections test", args)
	if err != nil {
		return err
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.store.ConnectionByID(c.Ctx, id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", id, err)
	}
	if _, err := a.testConnection(c.Ctx, conn); err != nil {
		return errors.New(connectionFailed(err).Message)
	}
	fmt.Fprintln(c.Stdout, "ok: connected to "+providerTitle(conn.Provider))
	return nil
}

func (c *CLI) connectionsDelete(args []string) error {
	cfg, id, err := c.connectionArg("connections delete", args)
	if err != nil {
		return err
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.store.ConnectionByID(c.Ctx, id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", id, err)
	}
	if err := a.removeWebhookRegistration(c.Ctx, conn); err != nil {
		fmt.Fprintf(c.Stderr, "warning: the webhooks registered at %s could not be removed (%v); delete them there\n",
			providerTitle(conn.Provider), err)
	}
	if err := a.store.DeleteConnection(c.Ctx, conn.WorkspaceID, conn.ID); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "deleted connection %d and its synced data\n", id)
	return nil
}

// connectionsWebhooks registers (or with --remove deletes) the webhook
// subscriptions of a connection through the ATS's API. A SmartRecruiters
// handshake is answered by the running server: the pending registration is
// in the database both share.
func (c *CLI) connectionsWebhooks(args []string) error {
	fset, parse := c.flags("connections webhooks")
	id := fset.Int64("connection", 0, "connection id")
	remove := fset.Bool("remove", false, "remove the subscriptions hireloop registered")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *id == 0 {
		return errUsage{"connections webhooks needs --connection ID"}
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.store.ConnectionByID(c.Ctx, *id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", *id, err)
	}
	title := providerTitle(conn.Provider)
	if *remove {
		if err := a.removeWebhookRegistration(c.Ctx, conn); err != nil {
			return errors.New(connectionFailed(err).Message)
		}
		fmt.Fprintf(c.Stdout, "removed the webhooks hireloop registered at %s\n", title)
		return nil
	}
	if err := a.registerConnectionWebhooks(c.Ctx, conn); errors.Is(err, errNoWebhookAPI) {
		return fmt.Errorf("%s webhooks are set up in its own admin screens: %s", title, providerTexts[conn.Provider].WebhookSetup)
	} else if err != nil {
		return errors.New(connectionFailed(err).Message)
	}
	cur, err := a.store.ConnectionByID(c.Ctx, *id)
	if err != nil {
		return err
	}
	v := a.webhookRegView(cur)
	state := "active"
	if v.PendingHandshake {
		state = "waiting for " + title + " to confirm"
	}
	fmt.Fprintf(c.Stdout, "registered %d events at %s (%s): %s\nwebhook URL: %s\n", len(v.Events), title, state,
		strings.Join(v.Events, ", "), v.URL)
	return nil
}

// syncSummary is what `hireloop sync` prints.
type syncSummary struct {
	Run        int64            `json:"run"`
	Connection int64            `json:"connection"`
	Mode       string           `json:"mode"`
	Status     string           `json:"status"`
	Counts     map[string]int64 `json:"counts"`
	Requests   int64            `json:"requests"`
	Retries    int64            `json:"retries"`
	DurationMS int64            `json:"duration_ms"`
	Error      string           `json:"error,omitempty"`
}

// sync runs one sync in the foreground and prints its summary. A server
// running at the same time sees the run (and its progress) in the console,
// and will not start another sync of the connection meanwhile.
func (c *CLI) sync(args []string) error {
	fset, parse := c.flags("sync")
	id := fset.Int64("connection", 0, "connection id")
	full := fset.Bool("full", false, "read everything, and mark what the ATS no longer has as deleted")
	asJSON := fset.Bool("json", false, "print the summary as JSON")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *id == 0 {
		return errUsage{"sync needs --connection ID"}
	}
	a, err := c.app(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.store.ConnectionByID(c.Ctx, *id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", *id, err)
	}
	req := SyncRequest{Full: *full, Trigger: "cli"}
	run, err := a.StartSync(c.Ctx, conn, req)
	if errors.Is(err, store.ErrSyncRunning) {
		return errors.New("a sync of this connection is already running; try again when it ends")
	}
	if err != nil {
		return err
	}
	syncErr := a.ExecuteSync(c.Ctx, conn, run, req)
	sum := syncSummary{Run: run.ID, Connection: conn.ID, Mode: run.Mode, Status: run.Status, Counts: run.Counts,
		Requests: run.Requests, Retries: run.Retries, DurationMS: run.Duration(a.now()).Milliseconds(), Error: run.Error}
	if *asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.Stdout, "sync %d of connection %d (%s): %s in %s, %d requests, %d retries\n", sum.Run, sum.Connection,
			sum.Mode, sum.Status, time.Duration(sum.DurationMS)*time.Millisecond, sum.Requests, sum.Retries)
		keys := make([]string, 0, len(sum.Counts))
		for k := range sum.Counts {
			keys = append(keys, k)
		}
		sortStrings(keys)
		for _, k := range keys {
			fmt.Fprintf(c.Stdout, "  %-22s %s\n", k, strconv.FormatInt(sum.Counts[k], 10))
		}
	}
	if syncErr != nil {
		return fmt.Errorf("sync failed: %v", syncErr)
	}
	return nil
}
