package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/connections"
)

func (c *CLI) connectionsList(args []string) error {
	fset, parse := c.flags("connections list")
	ws := fset.Int64("workspace", 0, "only this workspace")
	asJSON := fset.Bool("json", false, "print JSON")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
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

func (c *CLI) connectionArg(name string, args []string) (app.Config, int64, error) {
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
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.Store().ConnectionByID(c.Ctx, id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", id, err)
	}
	if err := a.Connections().TestStored(c.Ctx, conn); err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, "ok: connected to "+connections.Title(conn.Provider))
	return nil
}

func (c *CLI) connectionsDelete(args []string) error {
	cfg, id, err := c.connectionArg("connections delete", args)
	if err != nil {
		return err
	}
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.Store().ConnectionByID(c.Ctx, id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", id, err)
	}
	if err := a.Connections().Delete(c.Ctx, conn, func(err error) {
		fmt.Fprintf(c.Stderr, "warning: the webhooks registered at %s could not be removed (%v); delete them there\n",
			connections.Title(conn.Provider), err)
	}); err != nil {
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
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.Store().ConnectionByID(c.Ctx, *id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", *id, err)
	}
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
	cur, err := a.Store().ConnectionByID(c.Ctx, *id)
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
}
