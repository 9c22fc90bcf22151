package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

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
