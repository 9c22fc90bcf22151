package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/hireloop/hireloop/app/connections"
)

// connections dispatches the connection commands. They let on-prem
// operators script what the console does. They open the same database as a
// running server (safe: WAL and one writer per process, with busy waits),
// so the server need not be stopped.
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

// connectionsAdd connects an ATS (tested first) and prints the id.
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
	interval := fset.Duration("interval", connections.DefaultSyncInterval, "sync interval")
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
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Store().WorkspaceByID(c.Ctx, *ws); err != nil {
		return fmt.Errorf("workspace %d: %w", *ws, err)
	}
	minutes := int64(*interval / time.Minute)
	req := connections.Request{Provider: *provider, Name: name, BaseURL: baseURL, APIKey: &key, IntegrationID: integration,
		ActingUserID: acting, WebhookSecret: secret, SyncIntervalMinutes: &minutes}
	// A running server picks the connection up within a minute and syncs it.
	conn, err := a.Connections().Create(c.Ctx, *ws, req)
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, conn.ID)
	return nil
}
