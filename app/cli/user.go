package cli

import (
	"fmt"

	"github.com/hireloop/hireloop/app/accounts"
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
