package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hoctap/internal/testserver"
)

// cluster is a PostgreSQL server of the tests' own, in a temporary folder, that they may stop,
// start and fill up without disturbing anyone else's databases.
type cluster struct {
	bin      string // the folder of initdb, pg_ctl …
	dir      string // data/, run/ (socket and log)
	port     int
	URL      string // the postgres database, as superuser postgres
	template string // a database with the demo loaded, to copy
	accounts []testserver.Account
	fx       fixture // what the template holds (a few pledged people, nothing appraised)
}

// private holds the one private cluster of a run, started by the first test that needs it.
var private struct {
	once sync.Once
	c    *cluster
	err  error
}

// privateCluster returns the run's private cluster, with a demo database to copy; it is
// started on first use and removed when the run ends (stopCluster in TestMain's cleanups).
func privateCluster(t *testing.T) *cluster {
	t.Helper()
	private.once.Do(func() {
		private.c, private.err = startCluster()
		if private.err != nil {
			return
		}
		c := private.c
		if private.err = pgExec(c.URL, "CREATE DATABASE demo"); private.err != nil {
			return
		}
		c.template = "demo"
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		res, err := testserver.Run(ctx, env.bin, env.tmp, "demo", "--db", databaseURL(c.URL, "demo"), "--seed", "7", "--people", "60")
		if err == nil && res.Code != 0 {
			err = fmt.Errorf("hoctap demo on the private cluster: exit %d\n%s", res.Code, res.Output)
		}
		if err == nil {
			c.accounts, err = testserver.ParseAccounts(res.Output)
		}
		var collector testserver.Account
		if err == nil {
			collector, err = findAccount(c.accounts, "collector")
		}
		if err == nil {
			c.fx, err = prepareBase(ctx, databaseURL(c.URL, "demo"), 40, 0, collector.Login, 0)
		}
		private.err = err
	})
	if private.err != nil {
		t.Fatalf("private PostgreSQL cluster: %v", private.err)
	}
	return private.c
}

// stopPrivateCluster removes the private cluster, if one was started.
func stopPrivateCluster() {
	if private.c != nil {
		private.c.remove()
	}
}

// newestPGBin finds the newest PostgreSQL server binaries, as scripts/test.sh does.
func newestPGBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestV := "", -1
	for _, d := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err != nil || v <= bestV {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			best, bestV = d, v
		}
	}
	if best == "" {
		return "", fmt.Errorf("no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql; scripts/test.sh does)")
	}
	return best, nil
}

// startCluster runs initdb in a new temporary folder and starts the server on a free port.
func startCluster() (*cluster, error) {
	bin, err := newestPGBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hoctap-faults-pg-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, dir: dir}
	for _, d := range []string{"data", "run"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
		if err := ownByPostgres(filepath.Join(dir, d)); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if out, err := c.asPostgres("initdb", "-D", c.data(), "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
	if err := c.start(); err != nil {
		c.remove()
		return nil, err
	}
	return c, nil
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// asPostgres prepares a server binary to run as user postgres when we are root: the server
// refuses to run as root.
func (c *cluster) asPostgres(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd
}

// start starts the server and waits until it accepts connections. fsync is off: the tests
// stop the server cleanly or crash hoctap, never the machine.
func (c *cluster) start() error {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
		c.port, filepath.Join(c.dir, "run"))
	out, err := c.asPostgres("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "run", "server.log"), "-w", "-t", "60", "-o", opts, "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "run", "server.log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return nil
}

// stop stops the server with "fast" shutdown: sessions are ended, as when an operator
// restarts PostgreSQL under load.
func (c *cluster) stop() error {
	if out, err := c.asPostgres("pg_ctl", "-D", c.data(), "-w", "-t", "60", "-m", "fast", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// remove stops the server at once and deletes its folder.
func (c *cluster) remove() {
	_ = c.asPostgres("pg_ctl", "-D", c.data(), "-w", "-t", "30", "-m", "immediate", "stop").Run()
	os.RemoveAll(c.dir)
}

// newDatabase makes a copy of the demo database on the cluster and returns its URL.
func (c *cluster) newDatabase(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := pgExec(c.URL, "CREATE DATABASE "+name+" TEMPLATE "+c.template); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { _ = pgExec(c.URL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return databaseURL(c.URL, name)
}

// ownByPostgres gives a folder to user postgres when we are root, so the server may write it.
func ownByPostgres(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("user postgres (is the postgresql package installed?): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// account returns the private cluster demo's first account with role.
func (c *cluster) account(t *testing.T, role string) testserver.Account {
	t.Helper()
	a, err := findAccount(c.accounts, role)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
