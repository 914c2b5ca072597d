// Package workspace is how a writing command gets at the working database: it takes the state
// directory's lock (one writer at a time, exit code 4 for the loser), opens and migrates
// state_dir/work.duckdb, records the command in the runs ledger, and — only when the command
// succeeds — publishes a consistent snapshot to the configured warehouse path. A failed command
// publishes nothing; the analysts' file is never half-written. With people.pseudonymize on, every
// session publishes a fresh file built from the working database with every personal value hashed
// as it is written (people.Pseudonymize), so no writing command can publish real names by
// forgetting to ask, and no clear block ever reaches the published file or its folder.
//
// Files and modes: state_dir is 0700 and the working database, its .wal and the lock are 0600 (a
// session runs under umask 077); the published warehouse gets publish.mode (0640 by default). A
// pseudonymised publish stages in state_dir/publish.duckdb. Whatever an interrupted command left
// (staging files, temporary copies beside the warehouse, their .wal) is removed when the next
// writing command takes the lock.
package workspace

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// ErrBusy reports that another trainimpact command holds the state directory's lock.
var ErrBusy = errors.New("workspace: another trainimpact command is writing")

// ErrReaderHolds reports that no trainimpact command is writing (the lock was free) but another
// process has the working database open — a reader, such as a DuckDB client or `trainimpact sql`
// opened on work.duckdb — so it cannot be opened for writing. The error message says which kind of
// open (read-only or read-write) and which process, when the system tells.
var ErrReaderHolds = errors.New("workspace: a reader holds the working database")

// stagingName is the file in state_dir a pseudonymised publish is built in.
const stagingName = "publish.duckdb"

// step is called with the name of each step of a session as it completes: "locked", "opened",
// "publish:closed", "publish:created", "publish:copy:<table>", "publish:filled",
// "publish:checkpointed", "publish:renamed". Tests replace it to interrupt a command at a step.
var step = func(name string) {}

// Session is one writing command's hold on the working database.
type Session struct {
	Store   *store.Store
	cfg     *config.Config
	lock    *os.File
	runID   string
	command string
	started time.Time
	now     func() time.Time
	// Counts and Durations are recorded in the runs ledger when the session finishes.
	Counts    map[string]any
	Durations map[string]float64
	// pseudonymKey, when set (people.pseudonymize), pseudonymises the snapshot being published.
	pseudonymKey []byte
	// umask is the process's umask before Begin set 077; Finish restores it.
	umask int
}

// Begin takes the lock, opens the working database and records a running row in runs.
func Begin(ctx context.Context, cfg *config.Config, command string, now func() time.Time) (*Session, error) {
	if now == nil {
		now = time.Now
	}
	var key []byte
	if cfg.People.Pseudonymize {
		var err error
		if key, err = people.PseudonymKey(cfg); err != nil {
			return nil, err
		}
	}
	if err := privateDir(cfg.StateDir); err != nil {
		return nil, err
	}
	// Everything a session creates in state_dir (the working database's .wal, DuckDB's spill
	// files, the staging file) is the owner's alone.
	umask := syscall.Umask(0o077)
	lock, err := acquire(filepath.Join(cfg.StateDir, "lock"))
	if err != nil {
		syscall.Umask(umask)
		return nil, err
	}
	step("locked")
	removeLeftovers(cfg)
	st, err := store.Open(ctx, cfg.WorkPath())
	if err != nil {
		release(lock)
		syscall.Umask(umask)
		if errors.Is(err, store.ErrLocked) {
			return nil, heldBy(cfg, err)
		}
		return nil, err
	}
	for _, p := range []string{cfg.WorkPath(), cfg.WorkPath() + ".wal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			st.Close()
			release(lock)
			syscall.Umask(umask)
			return nil, fmt.Errorf("workspace: %w", err)
		}
	}
	step("opened")
	s := &Session{Store: st, cfg: cfg, lock: lock, command: command, started: now(), now: now, pseudonymKey: key, umask: umask,
		runID: now().UTC().Format("20060102T150405Z") + "-" + randHex(3), Counts: map[string]any{}, Durations: map[string]float64{}}
	if err := st.Write(ctx, func(w *store.Writer) error {
		_, err := w.Exec(ctx, `INSERT INTO runs (run_id, command, started_at, status) VALUES (?, ?, ?, 'running')`,
			s.runID, command, s.started.UTC())
		return err
	}); err != nil {
		st.Close()
		release(lock)
		syscall.Umask(umask)
		return nil, fmt.Errorf("workspace: record run: %w", err)
	}
	return s, nil
}

// RunID returns the ledger id of this session.
func (s *Session) RunID() string { return s.runID }

// Finish records the outcome in the runs ledger and, when cmdErr is nil or status is "partial",
// publishes the working database to the warehouse. status "" means succeeded or failed by cmdErr.
// It always releases the lock and closes the store.
func (s *Session) Finish(ctx context.Context, cmdErr error, status string) error {
	defer syscall.Umask(s.umask)
	defer release(s.lock)
	if status == "" {
		status = "succeeded"
		if cmdErr != nil {
			status = "failed"
		}
	}
	counts, _ := json.Marshal(s.Counts)
	durs, _ := json.Marshal(s.Durations)
	var msg any
	if cmdErr != nil {
		msg = cmdErr.Error()
	}
	// Record on a fresh context: a cancelled command still gets its ledger row.
	rec := context.WithoutCancel(ctx)
	werr := s.Store.Write(rec, func(w *store.Writer) error {
		_, err := w.Exec(rec, `UPDATE runs SET finished_at = ?, status = ?, error = ?, counts = ?, durations = ? WHERE run_id = ?`,
			s.now().UTC(), status, msg, string(counts), string(durs), s.runID)
		return err
	})
	if cmdErr != nil && status != "partial" {
		s.Store.Close()
		return werr
	}
	if werr != nil {
		s.Store.Close()
		return fmt.Errorf("workspace: record run: %w", werr)
	}
	return s.publish(ctx)
}

// publish snapshots the working database to the warehouse path: a copy of the file, or — with a
// pseudonym key — a fresh file built in state_dir from the working database attached read-only,
// then moved over the warehouse. Either way the warehouse is replaced whole or not at all.
func (s *Session) publish(ctx context.Context) error {
	mode := s.cfg.Publish.FileMode()
	if s.pseudonymKey == nil {
		if err := s.Store.Publish(ctx, s.cfg.Warehouse, mode); err != nil {
			return err
		}
		step("publish:renamed")
		return nil
	}
	if err := s.Store.Checkpoint(ctx); err != nil {
		s.Store.Close()
		return err
	}
	if err := s.Store.Close(); err != nil {
		return fmt.Errorf("workspace: close %s: %w", s.cfg.WorkPath(), err)
	}
	step("publish:closed")
	stage := filepath.Join(s.cfg.StateDir, stagingName)
	defer store.RemoveDatabase(stage)
	sub := func(name string) { step("publish:" + name) }
	err := store.BuildFresh(ctx, stage, s.cfg.WorkPath(), store.FreshOptions{Step: sub}, func(ctx context.Context, f *store.Filler) error {
		if err := people.Pseudonymize(ctx, f, s.pseudonymKey, sub); err != nil {
			return err
		}
		return queries.CreateViews(ctx, f)
	})
	if err != nil {
		return fmt.Errorf("workspace: publish %s: %w", s.cfg.Warehouse, err)
	}
	if err := store.MoveFile(ctx, stage, s.cfg.Warehouse, mode); err != nil {
		return err
	}
	step("publish:renamed")
	return nil
}

// privateDir creates dir (and its parents) and makes it 0700.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("workspace: create state_dir %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("workspace: make state_dir %s private: %w", dir, err)
	}
	return nil
}

// Leftovers returns the files an interrupted publish may have left: temporary copies beside the
// warehouse (.<name>.*.tmp), the staging copy of earlier versions (<warehouse>.staging and its
// .wal) and the staging file in state_dir with its .wal and spill folder.
func Leftovers(cfg *config.Config) []string {
	var out []string
	tmps, _ := filepath.Glob(store.TempGlob(cfg.Warehouse))
	out = append(out, tmps...)
	stage := filepath.Join(cfg.StateDir, stagingName)
	for _, p := range []string{cfg.Warehouse + ".staging", cfg.Warehouse + ".staging.wal", stage, stage + ".wal", stage + ".tmp"} {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// removeLeftovers removes Leftovers; the caller holds the lock, so no other command is writing them.
func removeLeftovers(cfg *config.Config) {
	for _, p := range Leftovers(cfg) {
		os.RemoveAll(p)
	}
}

// heldBy explains a working database that could not be opened although the lock was free: some
// process that is not a trainimpact writer has it open. The error matches ErrReaderHolds and
// store.ErrLocked (errors.Is).
func heldBy(cfg *config.Config, err error) error {
	kind, pid := fileLockHolder(cfg.WorkPath())
	who := "another process"
	if pid > 0 {
		who = fmt.Sprintf("process %d", pid)
	}
	var msg string
	if kind == syscall.F_WRLCK {
		msg = fmt.Sprintf("%v: %s has %s open for writing, and it is not a trainimpact command (those take %s first); close it and try again",
			ErrReaderHolds, who, cfg.WorkPath(), filepath.Join(cfg.StateDir, "lock"))
	} else {
		msg = fmt.Sprintf("%v: %s has %s open read-only, and DuckDB lets no one write a file while it is read; close that client and try again (analysts open the published warehouse %s instead)",
			ErrReaderHolds, who, cfg.WorkPath(), cfg.Warehouse)
	}
	return &heldError{msg: msg, err: err}
}

type heldError struct {
	msg string
	err error
}

func (e *heldError) Error() string   { return e.msg }
func (e *heldError) Unwrap() []error { return []error{ErrReaderHolds, e.err} }

// fileLockHolder asks the kernel which POSIX record lock (DuckDB's file lock) another process holds
// on path: F_RDLCK (a read-only open), F_WRLCK (a read-write open) or F_UNLCK, and its pid.
func fileLockHolder(path string) (kind int16, pid int32) {
	f, err := os.Open(path)
	if err != nil {
		return syscall.F_UNLCK, 0
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return syscall.F_UNLCK, 0
	}
	return lk.Type, lk.Pid
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// acquire takes an exclusive, non-blocking flock on path; the kernel releases it if the process dies.
func acquire(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("workspace: open lock %s: %w", path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("workspace: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who != "" {
			who = " (" + who + ")"
		}
		return nil, fmt.Errorf("%w: %s is locked%s; wait for it to finish", ErrBusy, path, who)
	}
	f.Truncate(0)
	f.WriteString("pid " + strconv.Itoa(os.Getpid()) + " since " + time.Now().UTC().Format(time.RFC3339) + "\n")
	return f, nil
}

func release(f *os.File) {
	if f == nil {
		return
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
