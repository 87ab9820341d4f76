package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// PasswordEnv names the environment variable read when -password is not given, so that a
// script keeps the password out of the process list.
const PasswordEnv = "HOCTAP_LOAD_PASSWORD"

const usage = `hoctap-load — keeps a local hoctap server busy with page reads and measures it

Usage:
  hoctap-load [-url http://127.0.0.1:8080] [-c 64] [-d 30s] [-path /about ...] [-login LOGIN] [-json] [-json-out FILE]

Only loopback targets (127.0.0.0/8, ::1, localhost) are accepted. Without -path it reads
/about, /about/progress, /programmes and /news, and signed in (-login, with -password or $` + PasswordEnv + `)
also /dashboard, the first commune's dashboard, and a village's list of people and a search in it.
`

// pathsFlag collects a repeatable -path.
type pathsFlag []string

func (p *pathsFlag) String() string     { return strings.Join(*p, " ") }
func (p *pathsFlag) Set(v string) error { *p = append(*p, v); return nil }

// Main runs the command line of cmd/hoctap-load and returns the process's exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hoctap-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var cfg Config
	var paths pathsFlag
	fs.StringVar(&cfg.Target, "url", "http://127.0.0.1:8080", "the server's base URL (loopback only)")
	fs.IntVar(&cfg.Connections, "c", 64, "connections kept busy")
	fs.DurationVar(&cfg.Duration, "d", 30*time.Second, "how long to send requests (at most 10m)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.Var(&paths, "path", "a path to read (repeatable; default: the read pages)")
	fs.StringVar(&cfg.Login, "login", "", "sign in with this login first")
	fs.StringVar(&cfg.Password, "password", "", "the password (default: $"+PasswordEnv+")")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	jsonOut := fs.String("json-out", "", "also write the result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hoctap-load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if cfg.Password == "" {
		cfg.Password = os.Getenv(PasswordEnv)
	}
	cfg.Paths = paths
	res, err := Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "hoctap-load: "+err.Error())
		return 1
	}
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err == nil {
			err = errors.Join(writeJSON(f, res), f.Close())
		}
		if err != nil {
			fmt.Fprintln(stderr, "hoctap-load: "+err.Error())
			return 1
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, res); err != nil {
			fmt.Fprintln(stderr, "hoctap-load: "+err.Error())
			return 1
		}
		return 0
	}
	Print(stdout, res)
	return 0
}

// writeJSON writes the result indented, one field a line (scripts/bench.sh reads it with grep).
func writeJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // paths keep their "&"
	return enc.Encode(r)
}

// Print writes the result for a reader.
func Print(w io.Writer, r *Result) {
	who := "anonymous"
	if r.SignedIn {
		who = "signed in"
	}
	fmt.Fprintf(w, "target:    %s, %d connections, %s\n", r.Target, r.Connections, who)
	fmt.Fprintf(w, "requests:  %d in %.1f s = %.0f req/s (%.1f MB read)\n", r.Requests, r.Seconds, r.RequestsPerSec, float64(r.Bytes)/1e6)
	fmt.Fprintf(w, "latency:   p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n", r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max)
	codes := make([]int, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, r.Status[c]))
	}
	fmt.Fprintf(w, "status:    %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "errors:    %d\n", r.Errors)
	for _, s := range r.ErrorSamples {
		fmt.Fprintf(w, "  e.g. %s\n", s)
	}
	fmt.Fprintln(w, "per path:")
	for _, p := range r.Paths {
		fmt.Fprintf(w, "  %-40s %8d req  p50 %7.1f ms  p95 %7.1f ms\n", p.Path, p.Requests, p.P50, p.P95)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
