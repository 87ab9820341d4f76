package faults

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"hoctap/internal/store"
)

// The page a user sees when the disk is full, in each language (catalog key error.storage_full).
var fullText = map[string]string{"vi": "bộ nhớ lưu trữ của máy chủ đã đầy", "en": "server's storage is full"}

// TestDiskFull puts the database on a small tmpfs (on PostgreSQL, the table of evidence files
// in a tablespace there) and uploads evidence until the disk is full.
// The upload that does not fit must get a 507 page that says so in the user's language, not a
// 500; the database must stay sound (integrity_check, audit log) with every earlier file
// intact; and once space is freed the same upload must go through.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	// Not under dir: PostgreSQL, running as user postgres, must reach it, and t.TempDir's
	// folders are private to root.
	disk, err := os.MkdirTemp("", "hoctap-faults-disk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(disk) }) // after the unmount: cleanups run last-registered first
	if err := os.Chmod(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	// The collector reads Vietnamese; a commune officer, who may enter for the same people,
	// switches to English first (a write, done while there is room).
	collector, officer := demoAccount(t, "collector"), demoAccount(t, "commune_officer")
	ps := env.fx.Pledged
	var dbURL string
	if env.pgAdmin == "" {
		mountTmpfs(t, disk, 64)
		dbURL = "sqlite:" + filepath.Join(disk, "hoctap.db")
		if err := copyFile(env.base, strings.TrimPrefix(dbURL, "sqlite:")); err != nil {
			t.Fatal(err)
		}
	} else {
		c := privateCluster(t)
		mountTmpfs(t, disk, 96)
		if err := ownByPostgres(disk); err != nil {
			t.Fatal(err)
		}
		if err := pgExec(c.URL, "CREATE TABLESPACE faults_disk LOCATION '"+disk+"'"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = pgExec(c.URL, "DROP TABLESPACE IF EXISTS faults_disk") })
		dbURL = c.newDatabase(t)
		// Only the evidence files' table (with its TOAST table) goes to the small disk: a full
		// disk under the write-ahead log makes PostgreSQL stop (PANIC), and one under the
		// catalogs refuses new sessions ("could not write init file"), neither of which hoctap
		// can answer for.
		if err := pgExec(dbURL, "ALTER TABLE blobs SET TABLESPACE faults_disk"); err != nil {
			t.Fatal(err)
		}
		collector, officer, ps = c.account(t, "collector"), c.account(t, "commune_officer"), c.fx.Pledged
	}
	srv := serve(t, dir, dbURL)
	ctx := context.Background()

	vi, en := newClient(srv.URL), newClient(srv.URL)
	if err := vi.login(ctx, collector.Login, collector.Password); err != nil {
		t.Fatal(err)
	}
	if err := en.login(ctx, officer.Login, officer.Password); err != nil {
		t.Fatal(err)
	}
	if r, err := en.postForm(ctx, "/language", url.Values{"lang": {"en"}, "next": {"/"}}); err != nil || !r.acknowledged() {
		t.Fatalf("switch to English: %v %s", err, r)
	}

	// Leave about 20 MB, then send 6 MB of evidence at a time until it does not fit.
	ballast := filepath.Join(disk, "ballast")
	fill(t, ballast, disk, 20<<20)
	sent := map[int64][][]byte{}
	var full pledge
	var fullFiles [][]byte
	for i, p := range ps {
		if i == len(ps)-1 {
			t.Fatalf("%d uploads of 6 MB went through; the disk never filled up", i)
		}
		files := [][]byte{pdf(2 << 20), pdf(2 << 20), pdf(2 << 20)}
		r, err := vi.submit(ctx, p, evidenceFor(p, files...))
		if err != nil {
			t.Fatal(err)
		}
		if r.acknowledged() {
			sent[p.ID] = files
			continue
		}
		checkFullPage(t, "vi", r)
		full, fullFiles = p, files
		break
	}
	if len(sent) == 0 {
		t.Fatal("the first upload already failed: the test leaves too little room")
	}
	t.Logf("%d uploads of 6 MB went through before the disk was full", len(sent))
	other := ps[len(sent)+1]
	r, err := en.submit(ctx, other, evidenceFor(other, pdf(2<<20), pdf(2<<20), pdf(2<<20)))
	if err != nil {
		t.Fatal(err)
	}
	checkFullPage(t, "en", r)

	// Still full: the database is sound, and what was stored before is whole.
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		if got := integrityCheck(t, path); got != "ok" {
			t.Errorf("PRAGMA integrity_check with the disk full: %s", got)
		}
	}
	if res := hoctap(t, dir, "audit", "verify", "--db", dbURL); res.Code != 0 {
		t.Errorf("hoctap audit verify with the disk full: exit %d\n%s", res.Code, res.Output)
	}
	db := openStore(t, dbURL)
	for id, files := range sent {
		checkEvidence(t, vi, db, id, files)
	}
	for _, p := range []pledge{full, other} {
		if problem := checkSubmission(t, db, p, 0, false); problem != "" {
			t.Errorf("assessment %d, refused for want of space: %s", p.ID, problem)
		}
	}

	// Room again: the refused upload goes through.
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	r, err = vi.submit(ctx, full, evidenceFor(full, fullFiles...))
	if err != nil || !r.acknowledged() {
		t.Fatalf("the upload after space was freed: %v %s", err, r)
	}
	checkEvidence(t, vi, db, full.ID, fullFiles)
	if problem := checkSubmission(t, db, full, len(fullFiles), true); problem != "" {
		t.Errorf("assessment %d after space was freed: %s", full.ID, problem)
	}
	consistent(t, dir, dbURL)
}

// mountTmpfs mounts a tmpfs of sizeMB at dir and unmounts it when the test ends, after the
// server using it has stopped (cleanups run last-registered first).
func mountTmpfs(t *testing.T, dir string, sizeMB int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dm,mode=0755", sizeMB), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mount a %d MB tmpfs at %s (the test needs root, as in CI): %v\n%s", sizeMB, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v %s; unmounting lazily", dir, err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
}

// fill writes a ballast file at path so that about leave bytes stay free on the file system
// of dir.
func fill(t *testing.T, path, dir string, leave int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	if free <= leave {
		t.Fatalf("only %d MB free on %s before the ballast; the test wants more than %d MB", free>>20, dir, leave>>20)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for n := free - leave; n > 0; n -= int64(len(chunk)) {
		if _, err := f.Write(chunk[:min(int64(len(chunk)), n)]); err != nil {
			t.Fatalf("write the ballast: %v", err)
		}
	}
}

// checkFullPage checks that an upload was refused with the "storage full" page in lang.
func checkFullPage(t *testing.T, lang string, r response) {
	t.Helper()
	if r.Status != http.StatusInsufficientStorage || !r.says(fullText[lang]) {
		t.Fatalf("upload with the disk full (%s): %s; want 507 saying %q", lang, r, fullText[lang])
	}
}

// checkEvidence checks that an assessment holds exactly the files sent, and that each reads
// back whole over HTTP.
func checkEvidence(t *testing.T, c *client, db *store.DB, id int64, files [][]byte) {
	t.Helper()
	ev, err := db.EvidenceOf(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != len(files) {
		t.Fatalf("assessment %d holds %d evidence files, want %d", id, len(ev), len(files))
	}
	want := map[[32]byte]bool{}
	for _, f := range files {
		want[sha256.Sum256(f)] = true
	}
	for _, e := range ev {
		r, err := c.get(context.Background(), fmt.Sprintf("/evidence/%d", e.ID))
		if err != nil || r.Status != http.StatusOK {
			t.Fatalf("evidence %d of assessment %d: %v %s", e.ID, id, err, r)
		}
		if !want[sha256.Sum256([]byte(r.Body))] {
			t.Errorf("evidence %d of assessment %d (%d bytes) is not one of the files sent", e.ID, id, len(r.Body))
		}
	}
}
