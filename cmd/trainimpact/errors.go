package main

import (
	"errors"
	"fmt"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/freshness"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/run"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
	"github.com/trainimpact/trainimpact/queries"
)

// Exit codes, as documented in `trainimpact --help`.
const (
	ExitOK      = 0 // success
	ExitFailed  = 1 // the command failed; nothing was published
	ExitUsage   = 2 // bad usage, config or input file (the message names the key, line or column)
	ExitPartial = 3 // a source failed, others synced; nothing published unless --allow-partial
	ExitLocked  = 4 // another run holds the lock, or a reader holds the working database
)

// FlagError is a usage error: the command prints its usage hint and exits with ExitUsage.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// flagErrorf returns a FlagError.
func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitError carries an explicit exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageError marks an error caused by the user's input (config, file content): exit code 2.
func UsageError(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// exitCode maps an error to the process exit code: usage errors (flags, arguments, config, a
// missing database file, a bad people file or query parameter, a period the data does not cover,
// no sources) 2; a partial sync 3; a held lock 4; anything else 1.
func exitCode(err error) int {
	var ee *ExitError
	var fe *FlagError
	var ce config.Errors
	var ve *people.ValidationError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &fe), errors.As(err, &ce), errors.Is(err, config.ErrNotFound),
		errors.Is(err, store.ErrNotFound), errors.Is(err, freshness.ErrStale), errors.Is(err, run.ErrNoSources),
		errors.Is(err, analyze.ErrBadPeriod), errors.As(err, &ve), errors.Is(err, queries.ErrBadParam):
		return ExitUsage
	case errors.Is(err, workspace.ErrBusy), errors.Is(err, workspace.ErrReaderHolds), errors.Is(err, store.ErrLocked):
		return ExitLocked
	case errors.Is(err, syncer.ErrPartial):
		return ExitPartial
	}
	return ExitFailed // including cancellation (SIGINT)
}
