// Package workspace is how a writing command gets at the working database: it takes the state
// directory's lock (one writer at a time, exit code 4 for the loser), opens and migrates
// state_dir/work.duckdb, records the command in the runs ledger, and — only when the command
// succeeds — publishes a consistent snapshot to the configured warehouse path. A failed command
// publishes nothing; the analysts' file is never half-written. With people.pseudonymize on, every
// session pseudonymises the snapshot before it replaces the warehouse (people.Pseudonymize), so no
// writing command can publish real names by forgetting to ask.
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
)

// ErrBusy reports that another trainimpact command holds the state directory's lock.
var ErrBusy = errors.New("workspace: another trainimpact command is writing")

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
	if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: create state_dir %s: %w", cfg.StateDir, err)
	}
	lock, err := acquire(filepath.Join(cfg.StateDir, "lock"))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.WorkPath())
	if err != nil {
		release(lock)
		if errors.Is(err, store.ErrLocked) {
			return nil, fmt.Errorf("%w: %v", ErrBusy, err)
		}
		return nil, err
	}
	s := &Session{Store: st, cfg: cfg, lock: lock, command: command, started: now(), now: now, pseudonymKey: key,
		runID: now().UTC().Format("20060102T150405Z") + "-" + randHex(3), Counts: map[string]any{}, Durations: map[string]float64{}}
	if err := st.Write(ctx, func(w *store.Writer) error {
		_, err := w.Exec(ctx, `INSERT INTO runs (run_id, command, started_at, status) VALUES (?, ?, ?, 'running')`,
			s.runID, command, s.started.UTC())
		return err
	}); err != nil {
		st.Close()
		release(lock)
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

// publish snapshots the working database to the warehouse path.
func (s *Session) publish(ctx context.Context) error {
	if s.pseudonymKey == nil {
		return s.Store.Publish(ctx, s.cfg.Warehouse)
	}
	// Publish to a private copy first, pseudonymise it, then move it into place. The copy holds
	// names and emails in the clear: it is removed whatever happens.
	tmp := s.cfg.Warehouse + ".staging"
	os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	defer os.Remove(tmp)
	if err := s.Store.Publish(ctx, tmp); err != nil {
		return err
	}
	snap, err := store.Open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := snap.Write(ctx, func(w *store.Writer) error { return people.Pseudonymize(ctx, w, s.pseudonymKey) }); err != nil {
		snap.Close()
		return err
	}
	return snap.Publish(ctx, s.cfg.Warehouse)
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// acquire takes an exclusive, non-blocking flock on path; the kernel releases it if the process dies.
func acquire(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("workspace: open lock %s: %w", path, err)
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
