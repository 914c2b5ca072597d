package people

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrUnknownKind reports an import kind other than teams, cohorts or identities.
	ErrUnknownKind = errors.New("people: unknown import kind (want teams, cohorts or identities)")
	// ErrNoKey reports pseudonymisation asked for without a key.
	ErrNoKey = errors.New("people: pseudonymisation key is empty")
)

// Problem is one finding in an imported file: an error that blocks the import, or a warning.
// Line is the 1-based line of the file (the header is line 1); Column is the 1-based CSV column
// (0 when the problem concerns the whole line or file); Field names the column when known.
type Problem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String formats the problem as "line L, column C (field): message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d", p.Line)
	}
	if p.Column > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "column %d", p.Column)
		if p.Field != "" {
			fmt.Fprintf(&b, " (%s)", p.Field)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError is returned by Import when a file has errors: nothing was imported. Problems
// lists every error found (up to MaxProblems; Omitted counts the rest), in file order.
type ValidationError struct {
	Kind     string
	File     string
	Problems []Problem
	Omitted  int
}

func (e *ValidationError) Error() string {
	n := len(e.Problems) + e.Omitted
	var b strings.Builder
	fmt.Fprintf(&b, "people: %s: %d problem", e.File, n)
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString(", nothing imported")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Omitted)
	}
	return b.String()
}

// MaxProblems caps the problems listed per file; the rest are counted in ValidationError.Omitted.
const MaxProblems = 200

// problems collects errors and warnings with a cap on the errors kept.
type problems struct {
	errs     []Problem
	omitted  int
	warnings []Problem
}

func (p *problems) add(line, col int, field, format string, args ...any) {
	if len(p.errs) >= MaxProblems {
		p.omitted++
		return
	}
	p.errs = append(p.errs, Problem{Line: line, Column: col, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) warn(line, col int, field, format string, args ...any) {
	p.warnings = append(p.warnings, Problem{Line: line, Column: col, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) failed() bool { return len(p.errs) > 0 || p.omitted > 0 }
