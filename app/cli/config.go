package cli

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
