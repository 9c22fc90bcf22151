package cli

import (
	"fmt"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/store"
)

// migrate applies the database migrations and exits.
func (c *CLI) migrate(args []string) error {
	_, parse := c.flags("migrate")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if err := app.PrepareDataDir(cfg.DataDir); err != nil {
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
