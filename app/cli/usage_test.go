package cli

import (
	"sort"
	"strings"
	"testing"
)

// Every command answers mistakes in its command line the same way: one
// line "hireloop: <command>: <problem>; run 'hireloop help <command>'" and
// status 2, and --help / -h with its usage on stdout and status 0.
func TestEveryCommandUsageErrorsAndHelp(t *testing.T) {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	env := map[string]string{"HIRELOOP_DATA_DIR": t.TempDir()}
	usageLine := func(t *testing.T, r cliRun, name, problem string) {
		t.Helper()
		want := "hireloop: " + name + ": "
		hint := "; run 'hireloop help " + name + "'"
		line := strings.TrimSuffix(r.stderr, "\n")
		if r.code != 2 || r.stdout != "" || strings.Contains(line, "\n") || !strings.HasPrefix(line, want) ||
			!strings.HasSuffix(line, hint) || !strings.Contains(line, problem) {
			t.Fatalf("got status %d, stdout %q, stderr %q; want status 2 and one line %q…%q naming %q", r.code, r.stdout, r.stderr, want, hint, problem)
		}
	}
	for _, name := range names {
		args := strings.Fields(name)
		t.Run(name, func(t *testing.T) {
			if name != "help" {
				usageLine(t, runCLI(t, env, "", append(args, "--bogus")...), name, "flag provided but not defined: -bogus")
			}
			for _, h := range []string{"--help", "-h"} {
				r := runCLI(t, env, "", append(args, h)...)
				wantHead := "Usage: hireloop " + name
				if name == "help" {
					wantHead = "hireloop: self-hosted AI interviews"
				}
				if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, wantHead) {
					t.Fatalf("%s: status %d, stderr %q, stdout %q; want status 0 and the usage on stdout", h, r.code, r.stderr, r.stdout)
				}
				if name != "help" {
					if via := runCLI(t, env, "", append([]string{"help"}, args...)...); via.code != 0 || via.stdout != r.stdout {
						t.Fatalf("'hireloop help %s' printed %q, '%s %s' %q", name, via.stdout, name, h, r.stdout)
					}
				}
			}
			switch name {
			case "help":
				usageLine(t, runCLI(t, env, "", append(args, "stray")...), name, `unknown command "stray"`)
			case "version":
				usageLine(t, runCLI(t, env, "", append(args, "stray")...), name, `unexpected argument "stray"`)
			default:
				// A bad value for a configuration flag and a stray argument
				// are mistakes in the command line too.
				usageLine(t, runCLI(t, env, "", append(args, "--shutdown-grace", "forever")...), name, "invalid shutdown-grace (from --shutdown-grace)")
				usageLine(t, runCLI(t, env, "", append(args, "stray")...), name, `unexpected argument "stray"`)
			}
		})
	}
	// Typed flags of the commands themselves.
	for _, args := range [][]string{
		{"connections", "add", "--workspace", "abc"},
		{"connections", "list", "--json=maybe"},
		{"sync", "--connection", "x"},
		{"scoring", "eval", "--concurrency", "many"},
		{"connections", "add", "--interval", "soon"},
	} {
		name := args[0] + " " + args[1]
		if args[0] == "sync" {
			name = "sync"
		}
		t.Run("bad value "+strings.Join(args, " "), func(t *testing.T) {
			usageLine(t, runCLI(t, env, "", args...), name, "invalid ")
		})
	}
}

func TestTopLevelHelpAndMistakes(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "--help"}} {
		r := runCLI(t, nil, "", args...)
		if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, "hireloop: self-hosted AI interviews") || strings.Contains(r.stdout, "Usage of") {
			t.Fatalf("%v: %+v", args, r)
		}
		for name := range commands {
			if !strings.Contains(strings.Replace(r.stdout, "[serve]", "serve", 1), "hireloop "+name) {
				t.Errorf("%v: the usage does not mention %q", args, name)
			}
		}
	}
	r := runCLI(t, nil, "", "help", "connections")
	if r.code != 0 || !strings.Contains(r.stdout, "hireloop connections add --workspace ID") || !strings.Contains(r.stdout, "hireloop connections delete") {
		t.Fatalf("help for a family: %+v", r)
	}
	if r := runCLI(t, nil, "", "connections", "--help"); r.code != 0 || !strings.Contains(r.stdout, "hireloop connections list") {
		t.Fatalf("connections --help: %+v", r)
	}
	for _, c := range []struct {
		args []string
		line string
	}{
		{[]string{"frobnicate"}, `hireloop: unknown command "frobnicate"; run 'hireloop help'`},
		{[]string{"help", "frobnicate"}, `hireloop: help: unknown command "frobnicate"; run 'hireloop help help'`},
		{[]string{"connections"}, `hireloop: connections: needs a subcommand: add, list, test, webhooks or delete; run 'hireloop help connections'`},
		{[]string{"--bogus"}, `hireloop: serve: flag provided but not defined: -bogus; run 'hireloop help serve'`},
		{[]string{"backup"}, `hireloop: backup: needs --to FILE; run 'hireloop help backup'`},
	} {
		r := runCLI(t, nil, "", c.args...)
		if r.code != 2 || r.stdout != "" || r.stderr != c.line+"\n" {
			t.Errorf("%v: %+v, want status 2 and %q", c.args, r, c.line)
		}
	}
	// A bad value from the environment is not a command-line mistake.
	r = runCLI(t, map[string]string{"HIRELOOP_SHUTDOWN_GRACE": "forever"}, "", "config")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "hireloop: invalid shutdown-grace (from HIRELOOP_SHUTDOWN_GRACE): ") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("bad environment value: %+v", r)
	}
}
