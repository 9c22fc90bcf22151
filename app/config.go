package app

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hireloop/hireloop/app/secret"
)

// Config is the effective configuration. Every field comes from one row of
// the options table below: default, then environment, then flag.
type Config struct {
	Addr          string
	DataDir       string
	BaseURL       string
	SecretKey     string
	LogFormat     string
	LogLevel      string
	SessionTTL    time.Duration
	SessionIdle   time.Duration
	MetricsToken  string
	ShutdownGrace time.Duration
	// TrustedProxies lists reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For is believed; without it every client of a proxied
	// instance would share the proxy's IP for rate limiting and logs.
	TrustedProxies []string
}

// option is one row of the configuration table.
type option struct {
	Name    string // flag name
	Env     string
	Default string
	Help    string
	Secret  bool
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

func durationOpt(dst func(*Config) *time.Duration, minimum time.Duration) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration (examples: 90m, 720h)", v)
			}
			if d < minimum {
				return fmt.Errorf("must be at least %s", minimum)
			}
			*dst(c) = d
			return nil
		}, func(c *Config) string {
			return dst(c).String()
		}
}

func stringOpt(dst func(*Config) *string, check func(string) error) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error {
			if check != nil {
				if err := check(v); err != nil {
					return err
				}
			}
			*dst(c) = v
			return nil
		}, func(c *Config) string {
			return *dst(c)
		}
}

func oneOf(vals ...string) func(string) error {
	return func(v string) error {
		for _, x := range vals {
			if v == x {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(vals, ", "))
	}
}

func checkAddr(v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("%q is not host:port (example: 127.0.0.1:8080)", v)
	}
	return nil
}

func checkBaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL (example: https://hireloop.example.com)", v)
	}
	return nil
}

func checkSecret(v string) error {
	if v != "" && len(v) < 32 {
		return fmt.Errorf("must be at least 32 characters (generate one with: openssl rand -hex 32)")
	}
	return nil
}

func options() []option {
	var o []option
	add := func(name, env, def, help string, secret bool, set func(*Config, string) error, get func(*Config) string) {
		o = append(o, option{Name: name, Env: env, Default: def, Help: help, Secret: secret, set: set, get: get})
	}
	s, g := stringOpt(func(c *Config) *string { return &c.Addr }, checkAddr)
	add("addr", "HIRELOOP_ADDR", "127.0.0.1:8080", "address the HTTP server listens on", false, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.DataDir }, func(v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		return nil
	})
	add("data-dir", "HIRELOOP_DATA_DIR", "./hireloop-data", "directory for the SQLite database and the secret key file", false, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.BaseURL }, checkBaseURL)
	add("base-url", "HIRELOOP_BASE_URL", "", "public URL used in links and emails (default: http://ADDR)", false, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.SecretKey }, checkSecret)
	add("secret-key", "HIRELOOP_SECRET_KEY", "", "key that encrypts stored credentials (default: DATA_DIR/secret.key, created on first start)", true, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.LogFormat }, oneOf("text", "json"))
	add("log-format", "HIRELOOP_LOG_FORMAT", "text", "log format: text or json", false, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.LogLevel }, oneOf("debug", "info", "warn", "error"))
	add("log-level", "HIRELOOP_LOG_LEVEL", "info", "log level: debug, info, warn or error", false, s, g)
	s, g = durationOpt(func(c *Config) *time.Duration { return &c.SessionTTL }, time.Minute)
	add("session-ttl", "HIRELOOP_SESSION_TTL", "720h", "a login expires this long after sign-in", false, s, g)
	s, g = durationOpt(func(c *Config) *time.Duration { return &c.SessionIdle }, time.Minute)
	add("session-idle", "HIRELOOP_SESSION_IDLE", "168h", "a login expires after this long without activity", false, s, g)
	s, g = stringOpt(func(c *Config) *string { return &c.MetricsToken }, nil)
	add("metrics-token", "HIRELOOP_METRICS_TOKEN", "", "when set, /metrics requires 'Authorization: Bearer TOKEN'", true, s, g)
	s, g = durationOpt(func(c *Config) *time.Duration { return &c.ShutdownGrace }, 0)
	add("trusted-proxies", "HIRELOOP_TRUSTED_PROXIES", "", "comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is trusted", false,
		func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, p := range strings.Split(v, ",") {
				p = strings.TrimSpace(p)
				if p == "" {
					continue
				}
				if net.ParseIP(p) == nil {
					if _, _, err := net.ParseCIDR(p); err != nil {
						return fmt.Errorf("%q is not an IP address or CIDR", p)
					}
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		}, func(c *Config) string { return strings.Join(c.TrustedProxies, ",") })
	add("shutdown-grace", "HIRELOOP_SHUTDOWN_GRACE", "15s", "how long shutdown waits for in-flight requests", false, s, g)
	return o
}

// ConfigFlags registers the configuration flags on fs and returns a
// function that resolves the final Config after fs.Parse: defaults, then
// environment variables, then flags given on the command line.
//
// Options named in without get no flag (a command may use the name for
// something else, as "connections add --base-url" does); their
// environment variables still apply.
func ConfigFlags(fs *flag.FlagSet, getenv func(string) string, without ...string) func() (Config, error) {
	opts := options()
	vals := make([]*string, len(opts))
	for i, o := range opts {
		if slices.Contains(without, o.Name) {
			vals[i] = new(string)
			continue
		}
		vals[i] = fs.String(o.Name, "", fmt.Sprintf("%s (env %s, default %q)", o.Help, o.Env, o.Default))
	}
	return func() (Config, error) {
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		var c Config
		for i, o := range opts {
			v, src := o.Default, "default"
			if e := getenv(o.Env); e != "" {
				v, src = e, o.Env
			}
			if given[o.Name] {
				v, src = *vals[i], "--"+o.Name
			}
			if err := o.set(&c, v); err != nil {
				return c, &OptionError{Option: o.Name, Source: src, Err: err}
			}
		}
		if c.BaseURL == "" {
			c.BaseURL = "http://" + c.Addr
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
		return c, nil
	}
}

// OptionError is an invalid configuration value, naming the option and
// where the value came from ("--addr", "HIRELOOP_ADDR" or "default").
type OptionError struct {
	Option, Source string
	Err            error
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("invalid %s (from %s): %v", e.Option, e.Source, e.Err)
}

// FromFlag tells whether the value was given on the command line, which
// makes it the caller's mistake in the command line (exit status 2).
func (e *OptionError) FromFlag() bool { return strings.HasPrefix(e.Source, "--") }

// LoadConfig resolves a Config from the environment alone, with defaults.
func LoadConfig(getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	resolve := ConfigFlags(fs, getenv)
	if err := fs.Parse(nil); err != nil {
		return Config{}, err
	}
	return resolve()
}

// DBPath is the SQLite file inside the data dir.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "hireloop.db") }

// Print writes the effective configuration with secrets redacted.
func (c Config) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPTION\tENV\tVALUE")
	for _, o := range options() {
		v := o.get(&c)
		if o.Secret {
			if v == "" {
				v = "(not set)"
			} else {
				v = "(redacted)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, o.Env, v)
	}
	tw.Flush()
}

// PrintConfigTable writes the options as a Markdown table (for the README).
func PrintConfigTable(w io.Writer) {
	fmt.Fprintln(w, "| flag | environment | default | meaning |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, o := range options() {
		def := o.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "| `--%s` | `%s` | `%s` | %s |\n", o.Name, o.Env, def, o.Help)
	}
}

// NewLogger builds the process logger from the config.
func NewLogger(c Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	ho := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, ho))
	}
	return slog.New(slog.NewTextHandler(w, ho))
}

// PrepareDataDir creates the data dir and proves it is writable, so an
// unwritable volume fails at start with one clear line instead of at the
// first login.
func PrepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir %s cannot be created: %v", dir, secret.UnwrapPathErr(err))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("data dir %s is not writable: %v", dir, secret.UnwrapPathErr(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}
