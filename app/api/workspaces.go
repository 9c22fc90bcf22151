package api

import (
	"errors"
	"log/slog"
	"strings"

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

func (a *Server) listWorkspaces(c *fiber.Ctx) error {
	wss, err := a.store.WorkspacesForUser(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"workspaces": wss})
}

type workspaceRequest struct {
	Name string `json:"name"`
}

func (r *workspaceRequest) validate() error {
	r.Name = strings.TrimSpace(r.Name)
	fe := apperr.Fields{}
	fe.Add("name", apperr.CheckName(r.Name, true, 100))
	return fe.Err()
}

// createWorkspace is for instance administrators: in an agency, the owner
// opens a workspace per client and invites that client's recruiters, who
// must not be able to spawn workspaces of their own.
func (a *Server) createWorkspace(c *fiber.Ctx) error {
	u := currentUser(c)
	if !u.IsAdmin {
		return apperr.Forbidden("Only instance administrators can create workspaces.")
	}
	var req workspaceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ws, err := a.accounts.CreateWorkspace(c.UserContext(), req.Name, u.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"workspace": ws})
}

func (a *Server) getWorkspace(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"workspace": currentWorkspace(c)})
}

func (a *Server) patchWorkspace(c *fiber.Ctx) error {
	var req workspaceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	ws := currentWorkspace(c)
	if err := a.store.RenameWorkspace(c.UserContext(), ws.ID, req.Name); err != nil {
		return apperr.NotFoundIs(err)
	}
	ws.Name = req.Name
	return c.JSON(fiber.Map{"workspace": ws})
}

func (a *Server) listMembers(c *fiber.Ctx) error {
	ms, err := a.store.Members(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": ms})
}

type memberRequest struct {
	Email    string `json:"email"`
	Role     string `json:"role"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// addMember adds an existing account by email, or creates the account
// when the admin also gives a name and an initial password (there is no
// email invitation flow yet; the admin hands the password over).
func (a *Server) addMember(c *fiber.Ctx) error {
	var req memberRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Email, req.Name = strings.TrimSpace(req.Email), strings.TrimSpace(req.Name)
	fe := apperr.Fields{}
	fe.Add("email", apperr.CheckEmail(req.Email))
	if !store.ValidRole(req.Role) {
		fe.Add("role", "must be admin, recruiter or viewer")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	ctx, ws := c.UserContext(), currentWorkspace(c)
	u, err := a.store.UserByEmail(ctx, req.Email)
	var m *store.Member
	switch {
	case err == nil:
		m, err = a.store.AddMember(ctx, ws.ID, u.ID, req.Role)
	case errors.Is(err, store.ErrNotFound):
		if req.Password == "" {
			return &apperr.Error{Status: fiber.StatusUnprocessableEntity, Code: "user_not_found",
				Message: "No account uses this email yet. Give a name and an initial password to create one."}
		}
		fe.Add("name", apperr.CheckName(req.Name, true, 100))
		fe.Add("password", apperr.CheckPassword(req.Password))
		if err := fe.Err(); err != nil {
			return err
		}
		hash, herr := accounts.HashPassword(req.Password)
		if herr != nil {
			return herr
		}
		m, err = a.store.CreateUserAndAddMember(ctx, ws.ID, req.Email, req.Name, hash, req.Role)
	}
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("already_member", req.Email+" is already a member of this workspace.")
	}
	if err != nil {
		return err
	}
	a.log.Info("Member added", slog.Int64("workspace_id", ws.ID), slog.Int64("user_id", m.UserID), slog.String("role", m.Role))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"member": m})
}

type memberRoleRequest struct {
	Role string `json:"role"`
}

func lastAdmin() *apperr.Error {
	return apperr.Conflict("last_admin", "A workspace needs at least one admin. Make someone else an admin first.")
}

func (a *Server) patchMember(c *fiber.Ctx) error {
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	var req memberRoleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if !store.ValidRole(req.Role) {
		fe := apperr.Fields{}
		fe.Add("role", "must be admin, recruiter or viewer")
		return fe.Err()
	}
	ws := currentWorkspace(c)
	m, err := a.store.SetMemberRole(c.UserContext(), ws.ID, uid, req.Role)
	if errors.Is(err, store.ErrLastAdmin) {
		return lastAdmin()
	}
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	a.log.Info("Member role changed", slog.Int64("workspace_id", ws.ID), slog.Int64("user_id", uid), slog.String("role", req.Role))
	return c.JSON(fiber.Map{"member": m})
}

func (a *Server) deleteMember(c *fiber.Ctx) error {
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	ws := currentWorkspace(c)
	err = a.store.RemoveMember(c.UserContext(), ws.ID, uid)
	if errors.Is(err, store.ErrLastAdmin) {
		return lastAdmin()
	}
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	a.log.Info("Member removed", slog.Int64("workspace_id", ws.ID), slog.Int64("user_id", uid))
	return c.SendStatus(fiber.StatusNoContent)
}
