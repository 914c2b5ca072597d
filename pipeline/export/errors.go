package export

import (
	"errors"
	"fmt"
)

var (
	// ErrNotEmpty reports a target folder that already holds files (Options.Force replaces it).
	ErrNotEmpty = errors.New("export: target folder is not empty")
	// ErrNotFolder reports a target path that exists and is not a folder.
	ErrNotFolder = errors.New("export: target exists and is not a folder")
	// ErrMismatch reports a table whose Parquet files, read back, differ from the warehouse.
	ErrMismatch = errors.New("export: written files differ from the warehouse")
	// ErrPartitionColumn reports a table that already has a column named like a derived partition
	// column (month), which the export would shadow.
	ErrPartitionColumn = errors.New("export: table already has a column named like a derived partition")
)

// MismatchError names the table whose read-back differs, with both sides' count and fingerprint.
type MismatchError struct {
	Table                    string
	WantRows, GotRows        int64
	WantFingerprint, GotHash string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("export: %s: read back %d rows (fingerprint %s), the warehouse has %d (fingerprint %s)",
		e.Table, e.GotRows, e.GotHash, e.WantRows, e.WantFingerprint)
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }
