package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

type role int

// Role levels: a route that needs recruiter accepts admin too.
const (
	roleViewer role = iota + 1
	roleRecruiter
	roleAdmin
)

func roleLevel(r string) role {
	switch r {
	case store.RoleAdmin:
		return roleAdmin
	case store.RoleRecruiter:
		return roleRecruiter
	case store.RoleViewer:
		return roleViewer
	}
	return 0
}

// loadWorkspace resolves :wid for the caller. Not being a member looks
// exactly like the workspace not existing (404), so one client's ids tell
// another client nothing.
func (a *Server) loadWorkspace(c *fiber.Ctx) error {
	wid, err := paramID(c, "wid")
	if err != nil {
		return err
	}
	ws, err := a.store.WorkspaceForUser(c.UserContext(), wid, currentUser(c).ID)
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	c.Locals(localWorkspace, ws)
	return c.Next()
}

func currentWorkspace(c *fiber.Ctx) *store.Workspace {
	w, _ := c.Locals(localWorkspace).(*store.Workspace)
	return w
}

func requireRole(min role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if roleLevel(currentWorkspace(c).Role) < min {
			return apperr.Forbidden("Your role in this workspace does not allow this.")
		}
		return c.Next()
	}
}

func (a *Server) listWorkspaces(c *fiber.Ctx) ([]store.Workspace, error) {
	return a.store.WorkspacesForUser(c.UserContext(), currentUser(c).ID)
}

type workspaceRequest struct {
	Name string `json:"name"`
}

// createWorkspace is for instance administrators: in an agency, the owner
// opens a workspace per client and invites that client's recruiters, who
// must not be able to spawn workspaces of their own.
func (a *Server) createWorkspace(c *fiber.Ctx, req workspaceRequest) error {
	u := currentUser(c)
	if !u.IsAdmin {
		return apperr.Forbidden("Only instance administrators can create workspaces.")
	}
	ws, err := a.accounts.CreateWorkspace(c.UserContext(), req.Name, u.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"workspace": ws})
}

func (a *Server) getWorkspace(c *fiber.Ctx) (*store.Workspace, error) {
	return currentWorkspace(c), nil
}

func (a *Server) patchWorkspace(c *fiber.Ctx, req workspaceRequest) (*store.Workspace, error) {
	ws := currentWorkspace(c)
	return ws, a.accounts.RenameWorkspace(c.UserContext(), ws, req.Name)
}

func (a *Server) listMembers(c *fiber.Ctx) ([]store.Member, error) {
	return a.store.Members(c.UserContext(), currentWorkspace(c).ID)
}

func (a *Server) addMember(c *fiber.Ctx, req accounts.NewMember) (*store.Member, error) {
	return a.accounts.AddMember(c.UserContext(), currentWorkspace(c).ID, currentUser(c), req)
}

type memberRoleRequest struct {
	Role string `json:"role"`
}

func (a *Server) patchMember(c *fiber.Ctx, req memberRoleRequest) (*store.Member, error) {
	uid, err := paramID(c, "uid")
	if err != nil {
		return nil, err
	}
	return a.accounts.SetRole(c.UserContext(), currentWorkspace(c).ID, uid, req.Role)
}

func (a *Server) deleteMember(c *fiber.Ctx) error {
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	if err := a.accounts.RemoveMember(c.UserContext(), currentWorkspace(c).ID, uid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
