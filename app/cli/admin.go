package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// config prints the effective configuration, secrets redacted.
func (c *CLI) config(args []string) error {
	_, parse := c.flags("config")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	cfg.Print(c.Stdout)
	return nil
}

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

// backup writes a consistent copy of the database (safe while serving).
func (c *CLI) backup(args []string) error {
	fset, parse := c.flags("backup")
	to := fset.String("to", "", "file to write the backup to (must not exist)")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *to == "" {
		return errUsage{msg: "needs --to FILE"}
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
		abs, filepath.Join(cfg.DataDir, secret.KeyFile))
	return nil
}
