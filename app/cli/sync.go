package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/store"
)

// syncSummary is what `hireloop sync` prints.
type syncSummary struct {
	Run        int64            `json:"run"`
	Connection int64            `json:"connection"`
	Mode       string           `json:"mode"`
	Status     string           `json:"status"`
	Counts     map[string]int64 `json:"counts"`
	Requests   int64            `json:"requests"`
	Retries    int64            `json:"retries"`
	DurationMS int64            `json:"duration_ms"`
	Error      string           `json:"error,omitempty"`
}

// sync runs one sync in the foreground and prints its summary. A server
// running at the same time sees the run (and its progress) in the console,
// and will not start another sync of the connection meanwhile.
func (c *CLI) sync(args []string) error {
	fset, parse := c.flags("sync")
	id := fset.Int64("connection", 0, "connection id")
	full := fset.Bool("full", false, "read everything, and mark what the ATS no longer has as deleted")
	asJSON := fset.Bool("json", false, "print the summary as JSON")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if *id == 0 {
		return errUsage{"sync needs --connection ID"}
	}
	a, err := c.open(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	conn, err := a.Store().ConnectionByID(c.Ctx, *id)
	if err != nil {
		return fmt.Errorf("connection %d: %w", *id, err)
	}
	req := syncer.Request{Full: *full, Trigger: "cli"}
	run, err := a.Sync().Start(c.Ctx, conn, req)
	if errors.Is(err, store.ErrSyncRunning) {
		return errors.New("a sync of this connection is already running; try again when it ends")
	}
	if err != nil {
		return err
	}
	syncErr := a.Sync().Execute(c.Ctx, conn, run, req)
	sum := syncSummary{Run: run.ID, Connection: conn.ID, Mode: run.Mode, Status: run.Status, Counts: run.Counts,
		Requests: run.Requests, Retries: run.Retries, DurationMS: run.Duration(a.Now()).Milliseconds(), Error: run.Error}
	if *asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.Stdout, "sync %d of connection %d (%s): %s in %s, %d requests, %d retries\n", sum.Run, sum.Connection,
			sum.Mode, sum.Status, time.Duration(sum.DurationMS)*time.Millisecond, sum.Requests, sum.Retries)
		keys := make([]string, 0, len(sum.Counts))
		for k := range sum.Counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(c.Stdout, "  %-22s %s\n", k, strconv.FormatInt(sum.Counts[k], 10))
		}
	}
	if syncErr != nil {
		return fmt.Errorf("sync failed: %v", syncErr)
	}
	return nil
}
