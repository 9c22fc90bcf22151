package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// positions lists synced positions with their stage pipelines; the
// interview wizard's "Import from ATS" searches it.
func (a *Server) positions(c *fiber.Ctx) error {
	f := store.PositionFilter{Query: c.Query("q"), IncludeGone: c.QueryBool("include_deleted")}
	var offset int64
	if err := queryInts(c, []string{"connection_id", "offset"}, &f.ConnectionID, &offset); err != nil {
		return err
	}
	limit, err := queryLimit(c, store.MaxPositionsPage)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = limit, int(offset)
	ps, total, err := a.store.Positions(c.UserContext(), currentWorkspace(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"positions": ps, "total": total})
}

func (a *Server) position(c *fiber.Ctx) (*store.Position, error) {
	return byParam(c, "pid", a.store.PositionByID)
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
	if err := queryInts(c, []string{"connection_id", "after"}, &f.ConnectionID, &f.After); err != nil {
		return err
	}
	limit, err := queryLimit(c, store.MaxApplicationsPage)
	if err != nil {
		return err
	}
	f.Limit = limit
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
	return answer(kind, func(c *fiber.Ctx) ([]store.NamedRow, error) {
		conn, err := a.loadConnection(c)
		if err != nil {
			return nil, err
		}
		return a.store.NamedRows(c.UserContext(), conn.WorkspaceID, conn.ID, kind)
	})
}

// stageEvents lists a connection's recorded stage changes after an id.
func (a *Server) stageEvents(c *fiber.Ctx) ([]store.StageEvent, error) {
	conn, err := a.loadConnection(c)
	if err != nil {
		return nil, err
	}
	after, err := queryInt(c, "after")
	if err != nil {
		return nil, err
	}
	return a.store.StageEventsAfter(c.UserContext(), conn.WorkspaceID, conn.ID, after, 500)
}
