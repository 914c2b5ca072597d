package queries

import (
	"errors"
	"fmt"
)

var (
	// ErrBadName reports a file whose name does not follow its folder's grammar (metrics and
	// examples: <name>.sql; views: NN_<name>.sql; names are lower-case letters, digits and _).
	ErrBadName = errors.New("queries: bad file name")
	// ErrBadHeader reports a header with an unknown or repeated key, a missing required key or a
	// value outside its allowed set. Returned wrapped in a *HeaderError.
	ErrBadHeader = errors.New("queries: bad header")
	// ErrUnknown reports a lookup of a metric or example that the catalog does not hold. Returned
	// wrapped in an *UnknownError.
	ErrUnknown = errors.New("queries: unknown name")
	// ErrDuplicate reports two files defining the same name. Returned wrapped in a *DuplicateError.
	ErrDuplicate = errors.New("queries: duplicate name")
	// ErrBadParam reports a parameter problem when binding a query: missing, unknown, or a value
	// that does not parse as the declared type. Returned wrapped in a *ParamError.
	ErrBadParam = errors.New("queries: bad parameter")
)

// HeaderError locates a header problem: file, line (1-based; 0 when the key is missing) and key.
type HeaderError struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error reads "queries: FILE:LINE: KEY: MSG".
func (e *HeaderError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("queries: %s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("queries: %s: %s", loc, e.Msg)
}

// Unwrap returns ErrBadHeader.
func (e *HeaderError) Unwrap() error { return ErrBadHeader }

// DuplicateError reports a name defined by two files of the same kind (metric, view or example).
type DuplicateError struct {
	Kind, Name   string
	First, Again string
}

// Error names both files.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("queries: %s %q defined twice: %s and %s", e.Kind, e.Name, e.First, e.Again)
}

// Unwrap returns ErrDuplicate.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// UnknownError reports a name not in the catalog, with the names that are (for help text).
type UnknownError struct {
	Kind, Name string
	Known      []string
}

// Error names the missing entry and the known ones.
func (e *UnknownError) Error() string {
	return fmt.Sprintf("queries: unknown %s %q (known: %v)", e.Kind, e.Name, e.Known)
}

// Unwrap returns ErrUnknown.
func (e *UnknownError) Unwrap() error { return ErrUnknown }

// ParamError reports a parameter problem of one query.
type ParamError struct {
	Query, Param, Msg string
}

// Error reads "queries: QUERY: parameter PARAM: MSG".
func (e *ParamError) Error() string {
	return fmt.Sprintf("queries: %s: parameter %s: %s", e.Query, e.Param, e.Msg)
}

// Unwrap returns ErrBadParam.
func (e *ParamError) Unwrap() error { return ErrBadParam }
