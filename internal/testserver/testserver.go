// Package testserver runs the real hoctap binary for tests that must treat it as a process:
// kill it in the middle of a request, start it again on the same database, run its commands.
// It builds cmd/hoctap once, starts `hoctap serve` on a free port, reads the address it prints,
// and reads the demo accounts that `hoctap demo` and `hoctap serve --demo` print.
//
// It is used by the fault tests (faults/); it is not part of the product.
package testserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// startTimeout bounds how long `hoctap serve` may take to print its address: it migrates and
// optimises the database first.
const startTimeout = 2 * time.Minute

// ModuleRoot walks up from the working directory to the folder that holds go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testserver: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Build compiles cmd/hoctap into dir and returns the binary's path.
func Build(dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hoctap")
	// go test puts $GOROOT/bin first on PATH; fall back to the toolchain running the tests.
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(gocmd, "build", "-o", bin, "./cmd/hoctap")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testserver: go build ./cmd/hoctap: %w\n%s", err, out)
	}
	return bin, nil
}

// Result is what one command printed and how it ended.
type Result struct {
	Output string // standard output and standard error, interleaved
	Code   int    // the exit code; -1 when killed by a signal
}

// Run runs `hoctap args…` in dir and waits for it. err is only set when it could not run at
// all; a command that fails returns its exit code in Result.
func Run(ctx context.Context, bin, dir string, args ...string) (Result, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setParentDeathSignal(cmd)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return Result{Output: out.String()}, nil
	case errors.As(err, &exit):
		return Result{Output: out.String(), Code: exit.ExitCode()}, nil
	}
	return Result{Output: out.String(), Code: -1}, fmt.Errorf("testserver: run hoctap %s: %w", strings.Join(args, " "), err)
}

// Process is a running hoctap command: a server, or a long command the test will kill.
type Process struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	LogPath string        // its standard output and standard error
}

// Launch starts `hoctap args…` in dir without waiting for it, its output going to logName in dir.
func Launch(bin, dir, logName string, args ...string) (*Process, error) {
	p, _, err := launch(bin, dir, logName, args)
	return p, err
}

// launch starts the command and returns a pipe of its standard output, copied to the log as
// it is read; the caller must read it to the end.
func launch(bin, dir, logName string, args []string) (*Process, io.ReadCloser, error) {
	p := &Process{done: make(chan struct{}), LogPath: filepath.Join(dir, logName)}
	logFile, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logFile.Close()
		return nil, nil, err
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = pw, logFile
	setParentDeathSignal(p.cmd)
	started := make(chan error, 1)
	go func() {
		// The parent-death signal follows the thread that started the process, so this
		// goroutine keeps its thread until the process has exited.
		runtime.LockOSThread()
		defer close(p.done)
		if err := p.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = p.cmd.Wait()
	}()
	err = <-started
	pw.Close() // the child has its own copy
	if err != nil {
		pr.Close()
		logFile.Close()
		return nil, nil, fmt.Errorf("testserver: start %s: %w", bin, err)
	}
	return p, &teeReader{r: pr, log: logFile}, nil
}

// teeReader copies what is read from the child's standard output into its log.
type teeReader struct {
	r   io.ReadCloser
	log *os.File
}

func (t *teeReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	if n > 0 {
		_, _ = t.log.Write(b[:n])
	}
	return n, err
}

func (t *teeReader) Close() error { return errors.Join(t.r.Close(), t.log.Close()) }

// drain reads the rest of a launched command's output into its log, in the background.
func drain(r io.ReadCloser) {
	go func() {
		_, _ = io.Copy(io.Discard, r)
		r.Close()
	}()
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exited tells whether the process has ended, and its exit code then.
func (p *Process) Exited() (bool, int) {
	select {
	case <-p.done:
		return true, p.cmd.ProcessState.ExitCode()
	default:
		return false, 0
	}
}

// Kill sends SIGKILL, as a power cut or the OOM killer would, and waits for the process to end.
func (p *Process) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGINT for a graceful stop and SIGKILL after 15 s.
func (p *Process) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.Kill()
	}
}

// Tail returns the last n lines of the process's output, to explain a failure.
func (p *Process) Tail(n int) string {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Server is a running `hoctap serve`.
type Server struct {
	*Process
	URL      string    // http://127.0.0.1:PORT
	Accounts []Account // the demo accounts, when it loaded the demo
}

// servingLine is the line that says where the server listens.
var servingLine = regexp.MustCompile(`^hoctap: serving .* on (http://\S+)\s*$`)

// Serve starts `hoctap serve --addr 127.0.0.1:0 --db dbURL extra…` in dir and waits until it
// prints its address. Its output is appended to serve.log in dir, so that a restarted server
// continues the same log.
func Serve(bin, dir, dbURL string, extra ...string) (*Server, error) {
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbURL}, extra...)
	p, out, err := launch(bin, dir, "serve.log", args)
	if err != nil {
		return nil, err
	}
	s := &Server{Process: p}
	type result struct {
		url string
		err error
	}
	found := make(chan result, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				acc, _ := ParseAccounts(strings.Join(lines, "\n"))
				s.Accounts = acc
				found <- result{url: m[1]}
				drain(out)
				return
			}
			lines = append(lines, sc.Text())
		}
		out.Close()
		found <- result{err: errors.New(`hoctap serve stopped before it printed "hoctap: serving … on http://…"`)}
	}()
	select {
	case r := <-found:
		if r.err != nil {
			s.Kill()
			return nil, fmt.Errorf("testserver: %w; its output:\n%s", r.err, s.Tail(30))
		}
		s.URL = r.url
		return s, nil
	case <-time.After(startTimeout):
		s.Kill()
		return nil, fmt.Errorf("testserver: hoctap serve did not print its address within %s; its output:\n%s", startTimeout, s.Tail(30))
	}
}

// Account is one row of the demo account table.
type Account struct {
	Role, Login, Password, Scope string
}

var columnGap = regexp.MustCompile(`\s{2,}`)

// ParseAccounts reads the table that the demo prints: a line "Demo accounts…", a header ROLE
// LOGIN PASSWORD SCOPE, rows with columns separated by two or more spaces, and a line of dashes.
func ParseAccounts(out string) ([]Account, error) {
	var accounts []Account
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Demo accounts"):
			in = true
		case !in:
		case strings.HasPrefix(line, "---"):
			return accounts, nil
		default:
			f := columnGap.Split(strings.TrimSpace(line), -1)
			if len(f) != 4 {
				return nil, fmt.Errorf("testserver: cannot read the demo account line %q", line)
			}
			if f[0] != "ROLE" {
				accounts = append(accounts, Account{Role: f[0], Login: f[1], Password: f[2], Scope: f[3]})
			}
		}
	}
	if !in {
		return nil, errors.New(`testserver: no "Demo accounts" table in the output`)
	}
	return nil, errors.New("testserver: the demo account table does not end")
}
