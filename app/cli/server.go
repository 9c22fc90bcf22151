package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/hireloop/hireloop/app"
)

// serve runs the server until SIGTERM or SIGINT.
func (c *CLI) serve(args []string) error {
	fset, parse := c.flags("serve")
	demo := fset.Bool("demo", c.Getenv("HIRELOOP_DEMO") == "1", "also run the built-in Sandbox ATS, to try hireloop without an ATS account (env HIRELOOP_DEMO=1)")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, c.Stderr)
	// Bind first: a port in use is reported before anything else happens.
	ln, err := app.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	var sb app.Sandbox
	if *demo && c.StartSandbox == nil {
		ln.Close()
		return errors.New("demo mode is not available in this build")
	}
	if *demo {
		if err := app.PrepareDataDir(cfg.DataDir); err != nil {
			ln.Close()
			return err
		}
		if sb, err = c.StartSandbox(cfg, log); err != nil {
			ln.Close()
			return fmt.Errorf("sandbox ATS: %w", err)
		}
		log.Info("Demo mode: the Sandbox ATS is running", slog.String("page", cfg.BaseURL+"/sandbox/"), slog.String("api", sb.BaseURL()))
	}
	a, err := app.New(c.Ctx, cfg, app.Options{Version: c.Version, Logger: log, UI: c.UI, Sandbox: sb})
	if err != nil {
		ln.Close()
		if sb != nil {
			sb.Close()
		}
		return err
	}
	ctx, stop := signal.NotifyContext(c.Ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := a.Serve(ctx, ln); err != nil {
		return err
	}
	log.Info("hireloop stopped")
	return nil
}

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
