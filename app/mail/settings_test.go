package mail

import (
	"maps"
	"testing"
	"time"
)

func TestSettingsValidate(t *testing.T) {
	ok := Settings{Host: "smtp.acme.test", Port: 587, TLS: TLSStartTLS, FromName: "Acme", FromAddress: "jobs@acme.test"}
	cases := map[string]struct {
		edit func(*Settings)
		want map[string]string
	}{
		"valid":               {func(*Settings) {}, nil},
		"valid ipv4, no tls":  {func(s *Settings) { s.Host, s.TLS = "10.0.0.5", TLSNone }, nil},
		"valid ipv6":          {func(s *Settings) { s.Host = "::1" }, nil},
		"valid implicit tls":  {func(s *Settings) { s.Port, s.TLS = 465, TLSImplicit }, nil},
		"valid opportunistic": {func(s *Settings) { s.TLS, s.ReplyTo = TLSOpportunistic, "sam@acme.test" }, nil},
		"valid with timeout":  {func(s *Settings) { s.Timeout = time.Minute; s.Username = "u" }, nil},
		"missing host":        {func(s *Settings) { s.Host = " " }, map[string]string{"host": "is required"}},
		"host with scheme":    {func(s *Settings) { s.Host = "smtp://acme.test" }, map[string]string{"host": "must be a host name or IP address, without scheme or path"}},
		"host with port":      {func(s *Settings) { s.Host = "acme.test:587" }, map[string]string{"host": "must not include a port; use the port field"}},
		"port zero":           {func(s *Settings) { s.Port = 0 }, map[string]string{"port": "must be 1-65535"}},
		"port too big":        {func(s *Settings) { s.Port = 65536 }, map[string]string{"port": "must be 1-65535"}},
		"unknown tls":         {func(s *Settings) { s.TLS = "ssl" }, map[string]string{"tls": "must be one of none, starttls, tls, opportunistic"}},
		"empty tls":           {func(s *Settings) { s.TLS = "" }, map[string]string{"tls": "must be one of none, starttls, tls, opportunistic"}},
		"missing from":        {func(s *Settings) { s.FromAddress = "" }, map[string]string{"from_address": "is required"}},
		"from with name":      {func(s *Settings) { s.FromAddress = "Acme <jobs@acme.test>" }, map[string]string{"from_address": "must be a valid email address"}},
		"from without domain": {func(s *Settings) { s.FromAddress = "jobs@" }, map[string]string{"from_address": "must be a valid email address"}},
		"from not an address": {func(s *Settings) { s.FromAddress = "jobs" }, map[string]string{"from_address": "must be a valid email address"}},
		"bad reply-to":        {func(s *Settings) { s.ReplyTo = "sam at acme" }, map[string]string{"reply_to": "must be a valid email address"}},
		"from name with CRLF": {func(s *Settings) { s.FromName = "Acme\r\nBcc: x@evil.test" }, map[string]string{"from_name": "must be a single line"}},
		"negative timeout":    {func(s *Settings) { s.Timeout = -time.Second }, map[string]string{"timeout": "must not be negative"}},
		"several at once":     {func(s *Settings) { s.Host, s.Port = "", -1 }, map[string]string{"host": "is required", "port": "must be 1-65535"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := ok
			tc.edit(&s)
			if got := s.Validate(); !maps.Equal(got, tc.want) {
				t.Errorf("Validate() = %v, want %v", got, tc.want)
			}
		})
	}
	if (Settings{}).timeout() != 15*time.Second {
		t.Error("default timeout should be 15s")
	}
}
