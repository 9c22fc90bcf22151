package api

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// SessionCookie is the name of the sign-in cookie.
const SessionCookie = "hireloop_session"

// Keys for c.Locals.
const (
	localUser      = "user"
	localSession   = "session"
	localWorkspace = "workspace"
)

func bearerToken(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate identifies the caller from an API token or the session
// cookie. It never rejects: routes that need a user say so with
// requireUser. A bad bearer token is an error, though: a script with a
// revoked token should hear about it, not act anonymously.
func (a *Server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if tok := bearerToken(c); tok != "" {
		t, err := a.store.TokenByHash(ctx, secret.Hash(tok))
		if errors.Is(err, store.ErrNotFound) {
			return &apperr.Error{Status: fiber.StatusUnauthorized, Code: "invalid_token", Message: "The API token is not valid or was revoked."}
		}
		if err != nil {
			return err
		}
		u, err := a.store.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if t.LastUsedAt == nil || a.now().Sub(*t.LastUsedAt) > time.Minute {
			if err := a.store.TouchToken(ctx, t.ID); err != nil {
				a.log.Warn("Unable to record token use", slog.Int64("token_id", t.ID), slog.Any("error", err))
			}
		}
		c.Locals(localUser, u)
		return c.Next()
	}
	if v := c.Cookies(SessionCookie); v != "" {
		ss, err := a.store.SessionByTokenHash(ctx, secret.Hash(v), a.cfg.SessionIdle)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if ss != nil {
			u, err := a.store.UserByID(ctx, ss.UserID)
			if err != nil {
				return err
			}
			// Recording activity at most once a minute keeps page loads
			// from becoming writes while the idle timeout stays accurate.
			if a.now().Sub(ss.LastSeenAt) > time.Minute {
				if err := a.store.TouchSession(ctx, ss.ID); err != nil {
					a.log.Warn("Unable to record session activity", slog.Int64("session_id", ss.ID), slog.Any("error", err))
				}
			}
			c.Locals(localUser, u)
			c.Locals(localSession, ss)
		}
	}
	return c.Next()
}

func currentUser(c *fiber.Ctx) *store.User {
	u, _ := c.Locals(localUser).(*store.User)
	return u
}

func currentSession(c *fiber.Ctx) *store.Session {
	s, _ := c.Locals(localSession).(*store.Session)
	return s
}

// requireUser rejects anonymous callers, and cookie-authenticated writes
// without the session's CSRF token (sent as X-CSRF-Token). Token-
// authenticated calls carry no ambient credential, so need no CSRF token.
func requireUser(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return apperr.Unauthenticated()
	}
	if ss := currentSession(c); ss != nil && !isSafeMethod(c.Method()) {
		got := c.Get("X-CSRF-Token")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRFToken)) != 1 {
			return &apperr.Error{Status: fiber.StatusForbidden, Code: "csrf_failed", Message: "The request is missing its CSRF token; reload the page and try again."}
		}
	}
	return c.Next()
}

// startSession creates a session and sets its cookie.
func (a *Server) startSession(c *fiber.Ctx, u *store.User) (*store.Session, error) {
	tok := secret.Token(32)
	ua := c.Get(fiber.HeaderUserAgent)
	if len(ua) > 300 {
		ua = ua[:300]
	}
	ss, err := a.store.CreateSession(c.UserContext(), u.ID, secret.Hash(tok), secret.Token(24), ua, c.IP(), a.cfg.SessionTTL)
	if err != nil {
		return nil, err
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: tok, Path: "/", Expires: ss.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: a.cfg.SecureCookies(),
	})
	return ss, nil
}

func (a *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: a.cfg.SecureCookies(),
	})
}

func (a *Server) getSetup(c *fiber.Ctx) error {
	n, err := a.store.CountUsers(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"needed": n == 0})
}

type setupRequest struct {
	Name          string `json:"name"`
	Email         string `json:"email"`
	Password      string `json:"password"`
	WorkspaceName string `json:"workspace_name"`
}

// postSetup creates the first administrator and workspace, then signs in.
// It works only while there are no users at all.
func (a *Server) postSetup(c *fiber.Ctx, req setupRequest) error {
	req.Email, req.Name, req.WorkspaceName = strings.TrimSpace(req.Email), strings.TrimSpace(req.Name), strings.TrimSpace(req.WorkspaceName)
	fe := apperr.Fields{}
	fe.Add("name", apperr.CheckName(req.Name, true, 100))
	fe.Add("email", apperr.CheckEmail(req.Email))
	fe.Add("password", apperr.CheckPassword(req.Password))
	fe.Add("workspace_name", apperr.CheckName(req.WorkspaceName, true, 100))
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := accounts.HashPassword(req.Password)
	if err != nil {
		return err
	}
	u, ws, err := a.store.SetupFirstAdmin(c.UserContext(), req.Email, req.Name, hash, req.WorkspaceName)
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("setup_done", "hireloop is already set up; sign in instead.")
	}
	if err != nil {
		return err
	}
	ss, err := a.startSession(c, u)
	if err != nil {
		return err
	}
	a.log.Info("First administrator created", slog.Int64("user_id", u.ID), slog.Int64("workspace_id", ws.ID))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": u, "workspace": ws, "csrf_token": ss.CSRFToken})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (a *Server) login(c *fiber.Ctx, req loginRequest) error {
	req.Email = strings.TrimSpace(req.Email)
	ip := c.IP()
	if wait, ok := a.limiter.allow(ip, req.Email); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		a.log.Warn("Sign-in rate limited", slog.String("ip", ip), slog.Int("retry_after_s", secs))
		return &apperr.Error{Status: fiber.StatusTooManyRequests, Code: "rate_limited", RetryAfter: secs,
			Message: "Too many failed sign-in attempts. Try again in " + humanSeconds(secs) + "."}
	}
	u, err := a.store.UserByEmail(c.UserContext(), req.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := accounts.DummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if !accounts.CheckPassword(hash, req.Password) || u == nil {
		a.limiter.fail(ip, req.Email)
		a.log.Info("Sign-in failed", slog.String("ip", ip))
		return &apperr.Error{Status: fiber.StatusUnauthorized, Code: "invalid_credentials", Message: "Email or password is incorrect."}
	}
	a.limiter.succeed(ip, req.Email)
	ss, err := a.startSession(c, u)
	if err != nil {
		return err
	}
	a.log.Info("Signed in", slog.Int64("user_id", u.ID), slog.String("ip", ip))
	return c.JSON(fiber.Map{"user": u, "csrf_token": ss.CSRFToken})
}

func humanSeconds(s int) string {
	if s >= 90 {
		return strconv.Itoa((s+59)/60) + " minutes"
	}
	return strconv.Itoa(s) + " seconds"
}

// logout ends the current session. Being signed out already is fine: the
// cookie is cleared either way. A live session needs its CSRF token, so a
// foreign page cannot sign people out.
func (a *Server) logout(c *fiber.Ctx) error {
	if ss := currentSession(c); ss != nil {
		if subtle.ConstantTimeCompare([]byte(c.Get("X-CSRF-Token")), []byte(ss.CSRFToken)) != 1 {
			return &apperr.Error{Status: fiber.StatusForbidden, Code: "csrf_failed", Message: "The request is missing its CSRF token; reload the page and try again."}
		}
		if err := a.store.DeleteSession(c.UserContext(), ss.UserID, ss.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}
