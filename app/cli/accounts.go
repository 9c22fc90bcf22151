package cli

import (
	"fmt"

	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
)

// userCreate creates an account; --password - reads it from stdin.
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
	acc, done, err := c.accounts(cfg)
	if err != nil {
		return err
	}
	defer done()
	u, err := acc.CreateUser(c.Ctx, accounts.NewUser{Email: *email, Name: *name, Password: pw, Admin: *admin})
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, u.ID)
	return nil
}

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

// tokenCreate creates an API token and prints its secret, once.
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
	acc, done, err := c.accounts(cfg)
	if err != nil {
		return err
	}
	defer done()
	u, err := acc.UserByEmail(c.Ctx, *email)
	if err != nil {
		return fieldError(err)
	}
	_, secret, err := acc.IssueToken(c.Ctx, u.ID, *name)
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, secret)
	return nil
}
