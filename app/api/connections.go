package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// providers describes each provider with its declared capabilities.
func (a *Server) providers(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"providers": a.conns.Providers()})
}

// viewConnection is conn as the caller may see it: its last run's error
// is a category unless the caller is an admin (see remoteText).
func (a *Server) viewConnection(c *fiber.Ctx, conn *store.Connection) (connections.View, error) {
	v, err := a.conns.View(c.UserContext(), conn, a.syncs.NextRun(conn.ID))
	v.LastRun = shownRun(c, v.LastRun)
	return v, err
}

func (a *Server) listConnections(c *fiber.Ctx) ([]connections.View, error) {
	cs, err := a.store.Connections(c.UserContext(), currentWorkspace(c).ID)
	out := make([]connections.View, 0, len(cs))
	for i := 0; i < len(cs) && err == nil; i++ {
		var v connections.View
		v, err = a.viewConnection(c, &cs[i])
		out = append(out, v)
	}
	return out, err
}

// createConnection tests the credentials before saving (a connection that
// cannot sync is no use), then starts the first full sync.
func (a *Server) createConnection(c *fiber.Ctx, req connections.Request) (connections.View, error) {
	conn, err := a.conns.Create(c.UserContext(), currentWorkspace(c).ID, req)
	if err == nil {
		err = a.syncs.Schedule(conn)
	}
	if err != nil {
		return connections.View{}, err
	}
	if !conn.Paused {
		if _, err := a.syncs.Background(conn, syncer.Request{Full: true, Trigger: "create"}); err != nil {
			a.log.Warn("Unable to start first sync", slog.Int64("connection_id", conn.ID), slog.Any("error", err))
		}
	}
	return a.viewConnection(c, conn)
}

func (a *Server) loadConnection(c *fiber.Ctx) (*store.Connection, error) {
	return byParam(c, "cid", a.store.Connection)
}

// onConnection adapts a handler that acts on the connection named by :cid
// (nil just reads it); the answer is the connection as stored afterwards.
func (a *Server) onConnection(f func(c *fiber.Ctx, conn *store.Connection) error) fiber.Handler {
	return answer("connection", func(c *fiber.Ctx) (connections.View, error) {
		conn, err := a.loadConnection(c)
		if err == nil && f != nil {
			if err = f(c, conn); err == nil {
				conn, err = a.store.Connection(c.UserContext(), conn.WorkspaceID, conn.ID)
			}
		}
		if err != nil {
			return connections.View{}, apperr.NotFoundIs(err)
		}
		return a.viewConnection(c, conn)
	})
}

// patchConnection edits settings; see connections.Service.Update.
func (a *Server) patchConnection(c *fiber.Ctx, conn *store.Connection) error {
	var req connections.Request
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := a.conns.Update(c.UserContext(), conn, req); err != nil {
		return err
	}
	return a.syncs.Schedule(conn)
}

func (a *Server) deleteConnection(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	a.syncs.Unschedule(conn.ID)
	if err := a.conns.Delete(c.UserContext(), conn, func(err error) {
		// The connection goes either way; say what is left at the vendor.
		a.log.Warn("Webhook subscriptions could not be removed at the ATS; delete them there",
			slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.Any("error", err))
	}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// testConnectionRoute answers 200 either way: a failed test is a result,
// not an API error. The message is the vendor's own.
func (a *Server) testConnectionRoute(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	if err := a.conns.TestStored(c.UserContext(), conn); err != nil {
		if ae, ok := apperr.As(err); ok {
			return c.JSON(fiber.Map{"ok": false, "message": ae.Message})
		}
		return err
	}
	return c.JSON(fiber.Map{"ok": true, "message": "Connected to " + connections.Title(conn.Provider) + "."})
}

// registerWebhooks subscribes this connection's webhook URL through the
// vendor's API (POST /connections/:cid/webhooks).
func (a *Server) registerWebhooks(c *fiber.Ctx, conn *store.Connection) error {
	err := a.conns.RegisterWebhooks(c.UserContext(), conn)
	var ve *ats.Error
	switch {
	case errors.Is(err, connections.ErrNoWebhookAPI):
		return apperr.Conflict("webhook_registration_unsupported",
			connections.Title(conn.Provider)+" webhooks are set up in its own admin screens; follow the webhook steps shown for this connection.")
	case errors.As(err, &ve):
		// The vendor's refusal is shown with its message; our own
		// failures (the store) stay server errors.
		return connections.Failed(err)
	}
	return err
}

// unregisterWebhooks removes the subscriptions hireloop made
// (DELETE /connections/:cid/webhooks).
func (a *Server) unregisterWebhooks(c *fiber.Ctx, conn *store.Connection) error {
	if err := a.conns.RemoveWebhooks(c.UserContext(), conn); err != nil {
		return connections.Failed(err)
	}
	return nil
}

type syncNowRequest struct {
	Full bool `json:"full"`
}

// syncNow is "Synchronize now": it starts a run and returns at once; the
// console follows it through the run's event stream.
func (a *Server) syncNow(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	var req syncNowRequest
	if len(c.Body()) > 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	run, err := a.syncs.Background(conn, syncer.Request{Full: req.Full, Trigger: "manual"})
	if errors.Is(err, store.ErrSyncRunning) {
		return apperr.Conflict("sync_running", "A sync of this connection is already running.")
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"run": run})
}

func (a *Server) listSyncRuns(c *fiber.Ctx) ([]store.SyncRun, error) {
	conn, err := a.loadConnection(c)
	if err != nil {
		return nil, err
	}
	runs, err := a.store.SyncRuns(c.UserContext(), conn.WorkspaceID, conn.ID, 50)
	for i := range runs {
		runs[i] = *shownRun(c, &runs[i])
	}
	return runs, err
}

func (a *Server) loadRun(c *fiber.Ctx) (*store.SyncRun, error) {
	run, err := byParam(c, "rid", a.store.SyncRunByID)
	return shownRun(c, run), err
}

// syncRunEvents streams a run's progress as server-sent events until it
// ends. It reads the run row, so it also follows syncs started by the CLI
// in another process.
func (a *Server) syncRunEvents(c *fiber.Ctx) error {
	run, err := a.loadRun(c)
	if err != nil {
		return err
	}
	ws := currentWorkspace(c).ID
	admin := isAdmin(c) // c is not to be used once the stream runs
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	ctx := a.baseCtx
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		last, lastSent := "", time.Now()
		for {
			b, _ := json.Marshal(run)
			if s := string(b); s != last {
				last = s
				event := "progress"
				if run.Status != "running" {
					event = "done"
				}
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
				lastSent = time.Now()
				if err := w.Flush(); err != nil {
					return // client went away
				}
				if event == "done" {
					return
				}
			} else if time.Since(lastSent) > 15*time.Second {
				lastSent = time.Now()
				fmt.Fprint(w, ": keep-alive\n\n")
				if err := w.Flush(); err != nil {
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
			r, err := a.store.SyncRunByID(ctx, ws, run.ID)
			if err != nil {
				return
			}
			if !admin && r.Error != "" {
				r.Error = errorCategory(r.Error)
			}
			run = r
		}
	})
	return nil
}
