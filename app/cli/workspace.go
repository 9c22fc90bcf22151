package cli

import (
	"fmt"

	"github.com/hireloop/hireloop/app/apperr"
)

// workspaceCreate creates a workspace and makes --owner its admin.
func (c *CLI) workspaceCreate(args []string) error {
	fset, parse := c.flags("workspace create")
	name := fset.String("name", "", "workspace name")
	owner := fset.String("owner", "", "email of the user who becomes its admin")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *owner == "" {
		return errUsage{"--owner is required"}
	}
	acc, done, err := c.accounts(cfg)
	if err != nil {
		return err
	}
	defer done()
	u, err := acc.UserByEmail(c.Ctx, *owner)
	if ae, ok := apperr.As(err); ok {
		return fmt.Errorf("%s; create it first with 'hireloop user create'", ae.Message)
	} else if err != nil {
		return err
	}
	ws, err := acc.CreateWorkspace(c.Ctx, *name, u.ID)
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, ws.ID)
	return nil
}
