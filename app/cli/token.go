package cli

import "fmt"

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
