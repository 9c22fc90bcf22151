package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/store"
)

// The connection commands (and sync) let on-prem operators script what the
// console does. They open the same database as a running server (safe:
// WAL and one writer per process, with busy waits), so the server need not
// be stopped.

// connectionsAdd connects an ATS (tested first) and prints the id.
func (c *CLI) connectionsAdd(args []string) error {
	fset, parse := c.flags("connections add", "base-url") // --base-url here is the ATS API's
	ws := fset.Int64("workspace", 0, "workspace id")
	provider := fset.String("provider", "", "ATS provider (greenhouse, kombo, ...)")
	name := fset.String("name", "", "display name (default: the provider's name)")
	baseURL := fset.String("base-url", "", "API base URL override (EU/US data center, sandbox, proxy)")
	apiKey := fset.String("api-key", "", "API key; - reads it from stdin")
	integration := fset.String("integration-id", "", "the provider's second credential: Greenhouse/Personio OAuth client id, Kombo integration id, Merge account token, Recruitee company id")
	acting := fset.String("acting-user", "", "ATS user id that writes are attributed to")
	secret := fset.String("webhook-secret", "", "shared secret the ATS signs webhooks with")
	interval := fset.Duration("interval", connections.DefaultSyncInterval, "sync interval")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *ws == 0 || *provider == "" {
		return errUsage{msg: "needs --workspace and --provider"}
	}
	key, err := c.readPassword(*apiKey)
	if err != nil {
		return err
	}
	minutes := int64(*interval / time.Minute)
	req := connections.Request{Provider: *provider, Name: name, BaseURL: baseURL, APIKey: &key, IntegrationID: integration,
		ActingUserID: acting, WebhookSecret: secret, SyncIntervalMinutes: &minutes}
	return c.withApp(cfg, func(a *app.App) error {
		if _, err := a.Store().WorkspaceByID(c.Ctx, *ws); err != nil {
			return fmt.Errorf("workspace %d: %w", *ws, err)
		}
		// A running server picks the connection up within a minute and syncs it.
		conn, err := a.Connections().Create(c.Ctx, *ws, req)
		if err != nil {
			return fieldError(err)
		}
		fmt.Fprintln(c.Stdout, conn.ID)
		return nil
	})
}

// connectionsList prints the connections, or their JSON views.
func (c *CLI) connectionsList(args []string) error {
	fset, parse := c.flags("connections list")
	ws := fset.Int64("workspace", 0, "only this workspace")
	asJSON := fset.Bool("json", false, "print JSON")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	return c.withApp(cfg, func(a *app.App) error {
		cs, err := a.Store().Connections(c.Ctx, *ws)
		if err != nil {
			return err
		}
		views := make([]connections.View, 0, len(cs))
		for i := range cs {
			v, err := a.Connections().View(c.Ctx, &cs[i], a.Sync().NextRun(cs[i].ID))
			if err != nil {
				return err
			}
			views = append(views, v)
		}
		return c.printConnections(views, cs, *asJSON)
	})
}

func (c *CLI) printConnections(views []connections.View, cs []store.Connection, asJSON bool) error {
	if asJSON {
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

// withConnection parses --connection ID and the flags more declares,
// opens the instance and runs f with the stored connection.
func (c *CLI) withConnection(name string, args []string, more func(*flag.FlagSet), f func(a *app.App, conn *store.Connection) error) error {
	fset, parse := c.flags(name)
	id := fset.Int64("connection", 0, "connection id")
	if more != nil {
		more(fset)
	}
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *id == 0 {
		return errUsage{msg: "needs --connection ID"}
	}
	return c.withApp(cfg, func(a *app.App) error {
		conn, err := a.Store().ConnectionByID(c.Ctx, *id)
		if err != nil {
			return fmt.Errorf("connection %d: %w", *id, err)
		}
		return f(a, conn)
	})
}

// connectionsTest checks the credentials against the ATS.
func (c *CLI) connectionsTest(args []string) error {
	return c.withConnection("connections test", args, nil, func(a *app.App, conn *store.Connection) error {
		if err := a.Connections().TestStored(c.Ctx, conn); err != nil {
			return fieldError(err)
		}
		fmt.Fprintln(c.Stdout, "ok: connected to "+connections.Title(conn.Provider))
		return nil
	})
}

// connectionsDelete deletes a connection, its synced data and the
// webhooks hireloop registered at the ATS.
func (c *CLI) connectionsDelete(args []string) error {
	return c.withConnection("connections delete", args, nil, func(a *app.App, conn *store.Connection) error {
		if err := a.Connections().Delete(c.Ctx, conn, func(err error) {
			fmt.Fprintf(c.Stderr, "warning: the webhooks registered at %s could not be removed (%v); delete them there\n",
				connections.Title(conn.Provider), err)
		}); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "deleted connection %d and its synced data\n", conn.ID)
		return nil
	})
}

// connectionsWebhooks registers (or with --remove deletes) the webhook
// subscriptions of a connection through the ATS's API. A SmartRecruiters
// handshake is answered by the running server: the pending registration is
// in the database both share.
func (c *CLI) connectionsWebhooks(args []string) error {
	var remove *bool
	flags := func(fs *flag.FlagSet) {
		remove = fs.Bool("remove", false, "remove the subscriptions hireloop registered")
	}
	return c.withConnection("connections webhooks", args, flags, func(a *app.App, conn *store.Connection) error {
		title := connections.Title(conn.Provider)
		if *remove {
			if err := a.Connections().RemoveWebhooks(c.Ctx, conn); err != nil {
				return errors.New(connections.Failed(err).Message)
			}
			fmt.Fprintf(c.Stdout, "removed the webhooks hireloop registered at %s\n", title)
			return nil
		}
		if err := a.Connections().RegisterWebhooks(c.Ctx, conn); errors.Is(err, connections.ErrNoWebhookAPI) {
			return fmt.Errorf("%s webhooks are set up in its own admin screens: %s", title, connections.WebhookSetup(conn.Provider))
		} else if err != nil {
			return errors.New(connections.Failed(err).Message)
		}
		cur, err := a.Store().ConnectionByID(c.Ctx, conn.ID)
		if err != nil {
			return err
		}
		v, err := a.Connections().View(c.Ctx, cur, nil)
		if err != nil {
			return err
		}
		reg := v.WebhookRegistration
		state := "active"
		if reg.PendingHandshake {
			state = "waiting for " + title + " to confirm"
		}
		fmt.Fprintf(c.Stdout, "registered %d events at %s (%s): %s\nwebhook URL: %s\n", len(reg.Events), title, state,
			strings.Join(reg.Events, ", "), reg.URL)
		return nil
	})
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
	var full, asJSON *bool
	flags := func(fs *flag.FlagSet) {
		full = fs.Bool("full", false, "read everything, and mark what the ATS no longer has as deleted")
		asJSON = fs.Bool("json", false, "print the summary as JSON")
	}
	return c.withConnection("sync", args, flags, func(a *app.App, conn *store.Connection) error {
		req := syncer.Request{Full: *full, Trigger: "cli"}
		run, err := a.Sync().Start(c.Ctx, conn, req)
		if errors.Is(err, store.ErrSyncRunning) {
			return errors.New("a sync of this connection is already running; try again when it ends")
		}
		if err != nil {
			return err
		}
		syncErr := a.Sync().Execute(c.Ctx, conn, run, req)
		sum := syncSummary{Run: run.ID, Connection: conn.ID, Mode: run.Mode, Status: run.Status, Counts: run.Counts,
			Requests: run.Requests, Retries: run.Retries, DurationMS: run.Duration(a.Now()).Milliseconds(), Error: run.Error}
		if err := c.printSync(sum, *asJSON); err != nil {
			return err
		}
		if syncErr != nil {
			return fmt.Errorf("sync failed: %v", syncErr)
		}
		return nil
	})
}

func (c *CLI) printSync(sum syncSummary, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	fmt.Fprintf(c.Stdout, "sync %d of connection %d (%s): %s in %s, %d requests, %d retries\n", sum.Run, sum.Connection,
		sum.Mode, sum.Status, time.Duration(sum.DurationMS)*time.Millisecond, sum.Requests, sum.Retries)
	keys := make([]string, 0, len(sum.Counts))
	for k := range sum.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(c.Stdout, "  %-22s %s\n", k, strconv.FormatInt(sum.Counts[k], 10))
	}
	return nil
}
