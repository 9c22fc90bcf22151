package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

func queryInt(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.BadRequest("Query parameter " + name + " must be a non-negative integer.")
	}
	return n, nil
}

// positions lists synced positions with their stage pipelines; the
// interview wizard's "Import from ATS" searches it.
func (a *Server) positions(c *fiber.Ctx) error {
	f := store.PositionFilter{Query: c.Query("q"), IncludeGone: c.QueryBool("include_deleted")}
	var err error
	if f.ConnectionID, err = queryInt(c, "connection_id"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	offset, err := queryInt(c, "offset")
	if err != nil {
		return err
	}
	f.Limit, f.Offset = int(limit), int(offset)
	ps, total, err := a.store.Positions(c.UserContext(), currentWorkspace(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"positions": ps, "total": total})
}

func (a *Server) position(c *fiber.Ctx) error {
	p, err := byParam(c, "pid", a.store.PositionByID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"position": p})
}

// applications lists synced applications with server-side filters and
// keyset paging (pass next_after back as after).
func (a *Server) applications(c *fiber.Ctx) error {
	f := store.ApplicationFilter{JobExtID: c.Query("job"), StageExtID: c.Query("stage"), Tag: c.Query("tag"),
		Status: c.Query("status"), Query: c.Query("q")}
	switch f.Status {
	case "", "active", "rejected", "hired":
	default:
		return apperr.BadRequest("Query parameter status must be active, rejected or hired.")
	}
	var err error
	if f.ConnectionID, err = queryInt(c, "connection_id"); err != nil {
		return err
	}
	if f.After, err = queryInt(c, "after"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	f.Limit = int(limit)
	rows, total, more, err := a.store.Applications(c.UserContext(), currentWorkspace(c).ID, f)
	if err != nil {
		return err
	}
	out := fiber.Map{"applications": rows, "total": total, "next_after": nil}
	if more {
		out["next_after"] = rows[len(rows)-1].ID
	}
	return c.JSON(out)
}

// connectionNamed serves tags, rejection reasons and users of a connection
// (for pickers such as the rejection reason or the acting user).
func (a *Server) connectionNamed(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		conn, err := a.loadConnection(c)
		if err != nil {
			return err
		}
		rows, err := a.store.NamedRows(c.UserContext(), conn.WorkspaceID, conn.ID, kind)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{kind: rows})
	}
}

// stageEvents lists a connection's recorded stage changes after an id.
func (a *Server) stageEvents(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	after, err := queryInt(c, "after")
	if err != nil {
		return err
	}
	evs, err := a.store.StageEventsAfter(c.UserContext(), conn.WorkspaceID, conn.ID, after, 500)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"events": evs})
}
