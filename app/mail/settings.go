package mail

import (
	"net"
	netmail "net/mail"
	"strings"
	"time"
)

// TLS modes a recruiter can pick for the workspace's SMTP server.
const (
	// TLSNone speaks plain SMTP and never upgrades (local relays, test servers).
	TLSNone = "none"
	// TLSStartTLS requires STARTTLS; the send fails when the server does not offer it.
	TLSStartTLS = "starttls"
	// TLSImplicit opens a TLS connection from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSOpportunistic upgrades with STARTTLS when offered and falls back to plain SMTP.
	TLSOpportunistic = "opportunistic"
)

// DefaultTimeout bounds the dial and every SMTP exchange when Settings.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// Settings is one workspace's outgoing mail configuration.
type Settings struct {
	Host string
	Port int
	TLS  string // one of TLSNone, TLSStartTLS, TLSImplicit, TLSOpportunistic

	// Username and Password authenticate with SMTP AUTH; an empty Username
	// means no authentication. PLAIN and LOGIN are only used over TLS or to
	// localhost.
	Username, Password string

	FromName, FromAddress, ReplyTo string

	// Timeout bounds the dial and each SMTP exchange; 0 means DefaultTimeout.
	Timeout time.Duration
	// InsecureSkipVerify accepts any server certificate, for on-prem servers
	// with private CAs. Default false.
	InsecureSkipVerify bool
}

// Validate checks the settings and returns a message per invalid field,
// keyed by the field's snake_case name ("host", "port", "tls",
// "from_address", ...). It returns nil when the settings are usable.
func (s Settings) Validate() map[string]string {
	errs := map[string]string{}
	host := strings.TrimSpace(s.Host)
	switch {
	case host == "":
		errs["host"] = "is required"
	case strings.Contains(host, "://") || strings.ContainsAny(host, " \t\r\n/@"):
		errs["host"] = "must be a host name or IP address, without scheme or path"
	case strings.Contains(host, ":") && net.ParseIP(strings.Trim(host, "[]")) == nil:
		errs["host"] = "must not include a port; use the port field"
	}
	if s.Port < 1 || s.Port > 65535 {
		errs["port"] = "must be 1-65535"
	}
	switch s.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit, TLSOpportunistic:
	default:
		errs["tls"] = "must be one of none, starttls, tls, opportunistic"
	}
	if s.FromAddress == "" {
		errs["from_address"] = "is required"
	} else if !validAddress(s.FromAddress) {
		errs["from_address"] = "must be a valid email address"
	}
	if strings.ContainsAny(s.FromName, "\r\n") {
		errs["from_name"] = "must be a single line"
	}
	if s.ReplyTo != "" && !validAddress(s.ReplyTo) {
		errs["reply_to"] = "must be a valid email address"
	}
	if strings.ContainsAny(s.Username, "\r\n") {
		errs["username"] = "must be a single line"
	}
	if s.Timeout < 0 {
		errs["timeout"] = "must not be negative"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func (s Settings) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// validAddress reports whether a is a bare address ("jo@example.com", no
// display name) with a non-empty local part and domain.
func validAddress(a string) bool {
	if strings.ContainsAny(a, "\r\n <>") {
		return false
	}
	p, err := netmail.ParseAddress(a)
	if err != nil || p.Name != "" || p.Address != a {
		return false
	}
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-1
}

// domainOf returns the part of addr after the last '@'.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}
