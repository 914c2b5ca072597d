package store

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrLocked reports that another process holds the database file (for writing, or for reading
	// when we want to write).
	ErrLocked = errors.New("store: database is in use by another process")
	// ErrNotFound reports that a read-only open named a file that does not exist.
	ErrNotFound = errors.New("store: database file does not exist")
	// ErrNewerSchema reports a database written by a newer version of trainimpact.
	ErrNewerSchema = errors.New("store: database was written by a newer version of trainimpact")
	// ErrNoKey reports an upsert into a table without a primary key.
	ErrNoKey = errors.New("store: table has no primary key")
)

// OpenError explains a failed open in one sentence: what happened and what to do.
type OpenError struct {
	Path string
	Err  error // ErrLocked, ErrNotFound, ErrNewerSchema or the driver's error
	Hint string
}

func (e *OpenError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Path, e.Err)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

func (e *OpenError) Unwrap() error { return e.Err }

// classifyOpen maps a DuckDB open failure to a typed error. DuckDB reports a held file as an IO
// error about a lock; the driver exposes no typed code for it, so the message is the only signal.
func classifyOpen(path string, readOnly bool, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		hint := "wait for the running trainimpact command to finish and try again"
		if readOnly {
			hint = "it is being written by another process; open the published warehouse instead, or wait for the writer to finish"
		}
		return &OpenError{Path: path, Err: ErrLocked, Hint: hint}
	}
	return &OpenError{Path: path, Err: err}
}
