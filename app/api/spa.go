package api

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/hireloop/hireloop/app/apperr"
)

// spa serves the embedded console. Client-side routes (paths without a file
// extension) get index.html; a missing file with an extension is a real 404
// so a broken asset link does not silently load HTML. Caching by file
// class: index.html is never cached (it names the current asset hashes),
// hashed files under assets/ are immutable, anything else is cached briefly.
func (a *Server) spa(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return apperr.NotFound()
	}
	if a.ui == nil {
		return c.Status(http.StatusNotFound).SendString("This hireloop was built without the console (no_ui build tag); the API is at /api.")
	}
	p := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
	if p == "" {
		p = "index.html"
	}
	if st, err := fs.Stat(a.ui, p); err != nil || st.IsDir() {
		if path.Ext(p) != "" {
			return apperr.NotFound()
		}
		p = "index.html"
	}
	switch {
	case p == "index.html":
		c.Set(fiber.HeaderCacheControl, "no-store")
	case strings.HasPrefix(p, "assets/"):
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	default:
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	}
	return filesystem.SendFile(c, http.FS(a.ui), "/"+p)
}
