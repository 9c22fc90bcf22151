package cli

import (
	"fmt"
	"log/slog"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// withAccounts opens the store alone (users, workspaces and tokens need no
// secret key and no schedules), runs f and prints what it returns; the
// service's errors are rendered by fieldError.
func (c *CLI) withAccounts(cfg app.Config, f func(acc *accounts.Service) (any, error)) error {
	st, err := c.openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := f(&accounts.Service{Store: st, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(c.Stdout, out)
	return nil
}

// owner looks up the account a command acts for.
func owner(c *CLI, acc *accounts.Service, email, hint string) (*store.User, error) {
	u, err := acc.UserByEmail(c.Ctx, email)
	if ae, ok := apperr.As(err); ok {
		return nil, fmt.Errorf("%s%s", ae.Message, hint)
	}
	return u, err
}

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
	return c.withAccounts(cfg, func(acc *accounts.Service) (any, error) {
		u, err := acc.CreateUser(c.Ctx, accounts.NewUser{Email: *email, Name: *name, Password: pw, Admin: *admin})
		if err != nil {
			return nil, err
		}
		return u.ID, nil
	})
}

// workspaceCreate creates a workspace and makes --owner its admin.
func (c *CLI) workspaceCreate(args []string) error {
	fset, parse := c.flags("workspace create")
	name := fset.String("name", "", "workspace name")
	email := fset.String("owner", "", "email of the user who becomes its admin")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *email == "" {
		return errUsage{msg: "--owner is required"}
	}
	return c.withAccounts(cfg, func(acc *accounts.Service) (any, error) {
		u, err := owner(c, acc, *email, "; create it first with 'hireloop user create'")
		if err != nil {
			return nil, err
		}
		ws, err := acc.CreateWorkspace(c.Ctx, *name, u.ID)
		if err != nil {
			return nil, err
		}
		return ws.ID, nil
	})
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
		return errUsage{msg: "--email is required"}
	}
	return c.withAccounts(cfg, func(acc *accounts.Service) (any, error) {
		u, err := owner(c, acc, *email, "")
		if err != nil {
			return nil, err
		}
		_, secret, err := acc.IssueToken(c.Ctx, u.ID, *name)
		return secret, err
	})
}
