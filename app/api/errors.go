package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
)

var statusCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthenticated",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusServiceUnavailable:    "unavailable",
}

// errorHandler turns every error a handler returns into the JSON shape. An
// unexpected error is logged with the request id and hidden from the client.
func (a *Server) errorHandler(c *fiber.Ctx, err error) error {
	var ae *apperr.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &fe):
		code, ok := statusCodes[fe.Code]
		if !ok {
			code = "error"
		}
		msg := fe.Message
		switch fe.Code {
		case http.StatusNotFound:
			msg = "Not found."
		case http.StatusRequestEntityTooLarge:
			msg = "The request body is too large."
		}
		ae = &apperr.Error{Status: fe.Code, Code: code, Message: msg}
	default:
		a.log.Error("Request failed", slog.String("method", c.Method()), slog.String("path", a.logPath(c)),
			slog.String("request_id", requestID(c)), slog.Any("error", err))
		ae = &apperr.Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on our side. The error was logged with request id " + requestID(c) + "."}
	}
	if ae.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ae.RetryAfter))
	}
	return c.Status(ae.Status).JSON(fiber.Map{"error": ae})
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals("requestid").(string); ok {
		return v
	}
	return ""
}

// bind decodes the JSON body into dst and answers mistakes with a 400 that
// says what and where, so a script author can fix their request.
func bind(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.BadRequest("The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return apperr.BadRequest(fmt.Sprintf("Malformed JSON at byte %d: %s.", se.Offset, se.Error()))
		case errors.As(err, &te):
			if te.Field != "" {
				return apperr.BadRequest(fmt.Sprintf("Field %q must be %s, not %s.", te.Field, jsonKind(te.Type.Kind().String()), te.Value))
			}
			return apperr.BadRequest(fmt.Sprintf("The body must be a JSON object, not %s.", te.Value))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return apperr.BadRequest("Malformed JSON: the body ends too early.")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return apperr.BadRequest("Unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + ".")
		default:
			return apperr.BadRequest("Malformed JSON: " + err.Error() + ".")
		}
	}
	if dec.More() {
		return apperr.BadRequest("Malformed JSON: extra data after the JSON object.")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "float64", "uint", "uint64":
		return "a number"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return k
}
