package cli

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck lets a container image without curl probe the server.
func (c *CLI) healthcheck(args []string) error {
	_, parse := c.flags("healthcheck")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return fmt.Errorf("unhealthy: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: /healthz answered %s", res.Status)
	}
	fmt.Fprintln(c.Stdout, "ok")
	return nil
}
