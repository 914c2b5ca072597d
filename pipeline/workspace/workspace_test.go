package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

const plainConfig = "warehouse: ./published/impact.duckdb\nstate_dir: ./state\n"

// A second writer is refused with ErrBusy naming the holder's pid; once the holder dies by SIGKILL
// (no cleanup at all), its stale lock file does not block the next command, which rewrites it.
func TestLockAndStaleLockOfDeadProcess(t *testing.T) {
	dir := t.TempDir()
	cfg, path := writeConfig(t, dir, plainConfig)
	holder := startChild(t, "hold-lock", path)
	holder.waitReady(t)
	_, err := workspace.Begin(context.Background(), cfg, "second", nil)
	pid := strconv.Itoa(holder.cmd.Process.Pid)
	if !errors.Is(err, workspace.ErrBusy) || errors.Is(err, workspace.ErrReaderHolds) || !strings.Contains(err.Error(), "pid "+pid) {
		t.Fatalf("second writer: %v; want ErrBusy naming pid %s", err, pid)
	}
	holder.cmd.Process.Signal(syscall.SIGKILL)
	holder.cmd.Wait()
	lockFile := filepath.Join(cfg.StateDir, "lock")
	if b, _ := os.ReadFile(lockFile); !strings.Contains(string(b), "pid "+pid) {
		t.Fatalf("the dead holder's lock file should still name it: %q", b)
	}
	session(t, cfg)
	b, _ := os.ReadFile(lockFile)
	if !strings.Contains(string(b), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("lock file after the next command: %q", b)
	}
	if _, err := store.OpenReadOnly(context.Background(), cfg.Warehouse); err != nil {
		t.Errorf("published after a stale lock: %v", err)
	}
}

// A read-only connection held on the working database by another process makes a writing command
// fail with ErrReaderHolds, saying a reader holds it and which process — never "another trainimpact
// command is writing" — and still maps to the lock exit code (store.ErrLocked).
func TestReaderIsNotAWriter(t *testing.T) {
	dir := t.TempDir()
	cfg, path := writeConfig(t, dir, plainConfig)
	session(t, cfg) // creates the working database
	reader := startChild(t, "hold-reader", path)
	reader.waitReady(t)
	_, err := workspace.Begin(context.Background(), cfg, "sync", nil)
	if err == nil {
		t.Fatal("a writer opened the working database while a reader held it")
	}
	msg := err.Error()
	if !errors.Is(err, workspace.ErrReaderHolds) || !errors.Is(err, store.ErrLocked) || errors.Is(err, workspace.ErrBusy) ||
		strings.Contains(msg, "another trainimpact command is writing") || !strings.Contains(msg, "a reader holds the working database") ||
		!strings.Contains(msg, "read-only") || !strings.Contains(msg, fmt.Sprintf("process %d", reader.cmd.Process.Pid)) {
		t.Fatalf("err = %v", err)
	}
	t.Log(msg)
	// The lock was released: once the reader goes, the next command runs.
	reader.stdin.Close()
	reader.cmd.Wait()
	session(t, cfg)
}

// Modes fit what each file holds, whatever the umask: state_dir 0700, working database, its .wal
// and the lock 0600, the warehouse publish.mode (0640 by default), with and without
// pseudonymisation. The umask is restored afterwards.
func TestFileModes(t *testing.T) {
	t.Setenv("TI_PSEUDONYM_KEY", "k3y")
	for _, c := range []struct {
		umask int
		extra string
		want  os.FileMode
	}{
		{0o022, "", 0o640},
		{0o077, "", 0o640},
		{0o022, "publish:\n  mode: \"0600\"\n", 0o600},
		{0o077, "publish:\n  mode: 0644\n", 0o644},
		{0o022, "people:\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n", 0o640},
		{0o077, "people:\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n", 0o640},
	} {
		name := fmt.Sprintf("umask%03o-mode%04o", c.umask, c.want)
		if strings.Contains(c.extra, "pseudonymize") {
			name += "-pseudonymised" // a unique name: a repeated one gets "#01", which a database path may not hold
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, _ := writeConfig(t, dir, plainConfig+c.extra)
			old := syscall.Umask(c.umask)
			defer syscall.Umask(old)
			// A state_dir that already exists with a looser mode is tightened.
			if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			s, err := workspace.Begin(ctx, cfg, "test", nil)
			if err != nil {
				t.Fatal(err)
			}
			// Mid-session the .wal holds uncommitted-to-file writes: it is private too.
			if err := s.Store.Write(ctx, func(w *store.Writer) error {
				_, err := w.Exec(ctx, `INSERT INTO teams (team_id, name, updated_at) VALUES ('t', 't', now())`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			checkMode(t, cfg.WorkPath()+".wal", 0o600)
			if err := s.Finish(ctx, nil, ""); err != nil {
				t.Fatal(err)
			}
			if got := syscall.Umask(c.umask); got != c.umask {
				t.Errorf("umask after the session %03o, want %03o", got, c.umask)
			}
			checkMode(t, cfg.StateDir, os.ModeDir|0o700)
			checkMode(t, cfg.WorkPath(), 0o600)
			checkMode(t, filepath.Join(cfg.StateDir, "lock"), 0o600)
			checkMode(t, cfg.Warehouse, c.want)
			// The warehouse's folder, created by the publish, lets in whom the file lets read.
			checkMode(t, filepath.Dir(cfg.Warehouse), os.ModeDir|0o700|(c.want&0o044)|(c.want&0o044)>>2)
		})
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	if fi.Mode() != want {
		t.Errorf("%s: mode %v, want %v", filepath.Base(path), fi.Mode(), want)
	}
}

// Whatever an interrupted publish left — temporary copies beside the warehouse, the staging copy of
// earlier versions and its .wal, the staging file in state_dir with its .wal and spill folder — is
// removed when the next writing command starts, before it does anything else.
func TestLeftoversRemovedByNextWriter(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := writeConfig(t, dir, plainConfig)
	session(t, cfg)
	stage := filepath.Join(cfg.StateDir, workspace.StagingName)
	planted := []string{
		filepath.Join(filepath.Dir(cfg.Warehouse), ".impact.duckdb.123456.tmp"),
		cfg.Warehouse + ".staging", cfg.Warehouse + ".staging.wal",
		stage, stage + ".wal",
	}
	for _, p := range planted {
		if err := os.WriteFile(p, []byte("clear text"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(stage+".tmp", 0o700)
	if got := workspace.Leftovers(cfg); len(got) != len(planted)+1 {
		t.Fatalf("Leftovers = %v, want the %d planted", got, len(planted)+1)
	}
	// Not leftovers: the warehouse, the working database, an analyst's own file.
	mine := filepath.Join(filepath.Dir(cfg.Warehouse), "notes.duckdb")
	os.WriteFile(mine, []byte("x"), 0o644)
	ctx := context.Background()
	s, err := workspace.Begin(ctx, cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := workspace.Leftovers(cfg); len(got) > 0 {
		t.Errorf("after Begin: %v", got)
	}
	if err := s.Finish(ctx, errors.New("failed"), ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{cfg.Warehouse, cfg.WorkPath(), mine} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}

// A failed command records its run and publishes nothing; a succeeded one publishes its run.
func TestFailedCommandPublishesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := writeConfig(t, dir, plainConfig)
	ctx := context.Background()
	session(t, cfg)
	count := func(path, q string) int {
		st, err := store.OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count(cfg.Warehouse, "SELECT count(*) FROM runs")
	s, err := workspace.Begin(ctx, cfg, "broken", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, errors.New("boom"), ""); err != nil {
		t.Fatal(err)
	}
	if n := count(cfg.Warehouse, "SELECT count(*) FROM runs"); n != before {
		t.Errorf("a failed command published: %d runs, want %d", n, before)
	}
	if n := count(cfg.WorkPath(), "SELECT count(*) FROM runs WHERE status = 'failed' AND error = 'boom'"); n != 1 {
		t.Errorf("failed run not recorded in the working database (%d)", n)
	}
	session(t, cfg)
	if n := count(cfg.Warehouse, "SELECT count(*) FROM runs WHERE status = 'succeeded'"); n != before+1 {
		t.Errorf("succeeded runs published: %d, want %d", n, before+1)
	}
}
