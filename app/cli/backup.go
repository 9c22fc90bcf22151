package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hireloop/hireloop/app/secret"
)

// backup writes a consistent copy of the database (safe while serving).
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
		abs, filepath.Join(cfg.DataDir, secret.KeyFile))
	return nil
}
