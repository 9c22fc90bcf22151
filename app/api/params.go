package api

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
)

// Most handlers are one of two shapes, and these adapters hold the parts
// every one of them would repeat: a handler that answers with one value
// returns it, and answer writes {key: value}; a handler that takes a JSON
// body receives it decoded, from withBody.

// answer adapts a handler that returns the one value it answers with,
// written as {key: value}.
func answer[T any](key string, f func(c *fiber.Ctx) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := f(c)
		return reply(c, fiber.StatusOK, key, v, err)
	}
}

// answerBody adapts a handler that takes the JSON body and returns the
// one value it answers with, as {key: value}.
func answerBody[T, R any](key string, f func(c *fiber.Ctx, req T) (R, error)) fiber.Handler {
	return withBody(func(c *fiber.Ctx, req T) error {
		v, err := f(c, req)
		return reply(c, fiber.StatusOK, key, v, err)
	})
}

// createdBody is answerBody for a handler that creates: it answers 201.
func createdBody[T, R any](key string, f func(c *fiber.Ctx, req T) (R, error)) fiber.Handler {
	return withBody(func(c *fiber.Ctx, req T) error {
		v, err := f(c, req)
		return reply(c, fiber.StatusCreated, key, v, err)
	})
}

// reply answers {key: v} with status, unless err.
func reply(c *fiber.Ctx, status int, key string, v any, err error) error {
	if err != nil {
		return err
	}
	return c.Status(status).JSON(fiber.Map{key: v})
}

// on adapts a handler that acts on one row the route names (an
// interview, a result, a candidate's invitation): load finds it first.
func on[T any](load func(*fiber.Ctx) (T, error), f func(c *fiber.Ctx, row T) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		row, err := load(c)
		if err != nil {
			return err
		}
		return f(c, row)
	}
}

// withBody adapts a handler that takes the request's JSON body (see bind).
func withBody[T any](f func(c *fiber.Ctx, req T) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req T
		if err := bind(c, &req); err != nil {
			return err
		}
		return f(c, req)
	}
}

func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound()
	}
	return id, nil
}

// byParam loads the current workspace's row named by a route parameter.
// A malformed id and a row of another workspace both answer 404, so one
// client's ids tell another nothing.
func byParam[T any](c *fiber.Ctx, param string, get func(ctx context.Context, workspaceID, id int64) (T, error)) (T, error) {
	var zero T
	id, err := paramID(c, param)
	if err != nil {
		return zero, err
	}
	v, err := get(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return zero, apperr.NotFoundIs(err)
	}
	return v, nil
}

// queryError is a 400 naming the query parameter at fault, in the same
// fields shape as a body's field errors, so a client can point at it.
func queryError(name, msg string) error {
	return &apperr.Error{Status: fiber.StatusBadRequest, Code: "bad_request",
		Message: "Query parameter " + name + " " + msg + ".", Fields: apperr.Fields{name: msg}}
}

func queryInt(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, queryError(name, "must be a non-negative integer")
	}
	return n, nil
}

// queryLimit reads a list endpoint's page size: absent is 0 (the store's
// default); anything outside 1..max is refused with the allowed range,
// because a caller asking for 201 rows and silently getting 50 would take
// the short page for the end of the list.
func queryLimit(c *fiber.Ctx, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, queryError("limit", "must be a whole number from 1 to "+strconv.Itoa(max))
	}
	return n, nil
}

// queryInts reads the named non-negative integer query parameters into
// dst, in order; the first malformed one is the error.
func queryInts(c *fiber.Ctx, names []string, dst ...*int64) error {
	for i, name := range names {
		n, err := queryInt(c, name)
		if err != nil {
			return err
		}
		*dst[i] = n
	}
	return nil
}
