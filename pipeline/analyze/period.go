package analyze

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// ErrBadPeriod reports a reporting period not written as YYYY-QN (e.g. 2026-Q3).
var ErrBadPeriod = errors.New("analyze: period must look like 2026-Q3")

// Quarter is a reporting period: a calendar quarter in UTC.
type Quarter struct {
	Year, Q int // Q in 1..4
}

var quarterRe = regexp.MustCompile(`^([0-9]{4})-[Qq]([1-4])$`)

// ParseQuarter parses "2026-Q3".
func ParseQuarter(s string) (Quarter, error) {
	m := quarterRe.FindStringSubmatch(s)
	if m == nil {
		return Quarter{}, fmt.Errorf("%w: %q", ErrBadPeriod, s)
	}
	y, _ := strconv.Atoi(m[1])
	q, _ := strconv.Atoi(m[2])
	return Quarter{Year: y, Q: q}, nil
}

// LastFullQuarter returns the last quarter that ended at or before now.
func LastFullQuarter(now time.Time) Quarter {
	now = now.UTC()
	q := Quarter{Year: now.Year(), Q: (int(now.Month())-1)/3 + 1}
	if q.Q == 1 {
		return Quarter{Year: q.Year - 1, Q: 4}
	}
	return Quarter{Year: q.Year, Q: q.Q - 1}
}

// String returns "2026-Q3".
func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// Start returns the first instant of the quarter (UTC).
func (q Quarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, time.UTC)
}

// End returns the first instant after the quarter (UTC): the analysis cut-off.
func (q Quarter) End() time.Time { return q.Start().AddDate(0, 3, 0) }
