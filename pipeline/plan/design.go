package plan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
)

// ErrBadRollout reports a proposed rollout that cannot be read or makes no sense (a bad line of a
// rollout CSV, no cohort, a cohort of no team). Returned wrapped, in a *RolloutError for a file.
var ErrBadRollout = errors.New("plan: bad rollout")

// RolloutError locates a problem in a rollout CSV (Line 1 = the header).
type RolloutError struct {
	File   string
	Line   int
	Column string // "" when the problem is the whole line
	Msg    string
}

// Error reads "plan: FILE line N, column C: MSG".
func (e *RolloutError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("plan: %s line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("plan: %s line %d, column %q: %s", e.File, e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrBadRollout.
func (e *RolloutError) Unwrap() error { return ErrBadRollout }

// Cohort is one cohort of a proposed rollout: Teams teams whose leads complete the program in the
// month of Start (the first day of that month, UTC, taken as the completion date).
type Cohort struct {
	Name  string
	Start time.Time
	Teams int
}

// Design is a proposed rollout: its cohorts in order of Start, and the quarters observed after the
// first cohort's first trained period (the analysis the plan sizes runs at their end).
type Design struct {
	Cohorts  []Cohort
	Quarters int
}

// Teams returns the number of teams the design trains.
func (d Design) Teams() int {
	n := 0
	for _, c := range d.Cohorts {
		n += c.Teams
	}
	return n
}

// RolloutColumns are the columns of a rollout CSV, in any order; other columns are refused.
var RolloutColumns = []string{"cohort", "start_month", "teams"}

var monthRe = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})$`)

// ParseMonth parses "2027-03" as the first instant of that month in UTC.
func ParseMonth(s string) (time.Time, error) {
	m := monthRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, fmt.Errorf("%w: month %q is not YYYY-MM", ErrBadRollout, s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 {
		return time.Time{}, fmt.Errorf("%w: month %q is not YYYY-MM", ErrBadRollout, s)
	}
	return time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC), nil
}

// ReadRolloutFile reads a rollout CSV (see ReadRollout); errors name the file and line.
func ReadRolloutFile(path string) ([]Cohort, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRollout, err)
	}
	defer f.Close()
	return ReadRollout(f, path)
}

// ReadRollout reads a rollout CSV: a header line naming the columns cohort (a label, unique),
// start_month (YYYY-MM: the month the cohort's leads complete the program) and teams (how many
// teams the cohort trains, at least 1), then one line per cohort. Lines starting with # are
// comments. Every problem is a *RolloutError naming name (the file) and the line; the first one
// found is returned. Cohorts come back ordered by start month (then as written).
func ReadRollout(r io.Reader, name string) ([]Cohort, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &RolloutError{File: name, Line: 1, Msg: "empty file: want a header line " + strings.Join(RolloutColumns, ",")}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	line, _ := cr.FieldPos(0)
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range RolloutColumns {
			known = known || h == c
		}
		if !known {
			return nil, &RolloutError{File: name, Line: line, Column: h, Msg: "unknown column (want " + strings.Join(RolloutColumns, ",") + ")"}
		}
		if _, dup := idx[h]; dup {
			return nil, &RolloutError{File: name, Line: line, Column: h, Msg: "column given twice"}
		}
		idx[h] = i
	}
	for _, c := range RolloutColumns {
		if _, ok := idx[c]; !ok {
			return nil, &RolloutError{File: name, Line: line, Column: c, Msg: "missing column (want " + strings.Join(RolloutColumns, ",") + ")"}
		}
	}
	var out []Cohort
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &RolloutError{File: name, Line: line, Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))}
		}
		c := Cohort{Name: strings.TrimSpace(rec[idx["cohort"]])}
		if c.Name == "" {
			return nil, &RolloutError{File: name, Line: line, Column: "cohort", Msg: "empty"}
		}
		if prev, dup := seen[c.Name]; dup {
			return nil, &RolloutError{File: name, Line: line, Column: "cohort", Msg: fmt.Sprintf("%q already on line %d", c.Name, prev)}
		}
		seen[c.Name] = line
		if c.Start, err = ParseMonth(rec[idx["start_month"]]); err != nil {
			return nil, &RolloutError{File: name, Line: line, Column: "start_month", Msg: fmt.Sprintf("%q is not a month YYYY-MM", rec[idx["start_month"]])}
		}
		n, err := strconv.Atoi(strings.TrimSpace(rec[idx["teams"]]))
		if err != nil || n < 1 {
			return nil, &RolloutError{File: name, Line: line, Column: "teams", Msg: fmt.Sprintf("%q is not a number of teams (1 or more)", rec[idx["teams"]])}
		}
		c.Teams = n
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, &RolloutError{File: name, Line: line, Msg: "no cohort after the header"}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// csvError turns a csv.ParseError into a *RolloutError with its line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RolloutError{File: name, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &RolloutError{File: name, Line: 1, Msg: err.Error()}
}

// EvenRollout returns teams teams in cohorts cohorts, one cohort every `every` months from start:
// the teams split as evenly as possible, the first cohorts taking the remainder.
func EvenRollout(teams, cohorts, every int, start time.Time) ([]Cohort, error) {
	switch {
	case cohorts < 1:
		return nil, fmt.Errorf("%w: %d cohorts (want 1 or more)", ErrBadRollout, cohorts)
	case teams < cohorts:
		return nil, fmt.Errorf("%w: %d teams cannot fill %d cohorts", ErrBadRollout, teams, cohorts)
	case every < 1 && cohorts > 1:
		return nil, fmt.Errorf("%w: cohorts every %d months (want 1 or more)", ErrBadRollout, every)
	}
	out := make([]Cohort, cohorts)
	for k := range out {
		n := teams / cohorts
		if k < teams%cohorts {
			n++
		}
		out[k] = Cohort{Name: strconv.Itoa(k + 1), Start: start.AddDate(0, k*every, 0), Teams: n}
	}
	return out, nil
}

// Scaled returns the design with total teams spread over its cohorts in proportion to their sizes
// (largest remainders; cohorts left with no team are dropped).
func (d Design) Scaled(total int) Design {
	all := d.Teams()
	out := Design{Quarters: d.Quarters}
	if all == 0 || total <= 0 {
		return out
	}
	sizes := make([]int, len(d.Cohorts))
	type rem struct {
		k int
		r float64
	}
	var rems []rem
	used := 0
	for k, c := range d.Cohorts {
		x := float64(c.Teams) * float64(total) / float64(all)
		sizes[k] = int(x)
		used += sizes[k]
		rems = append(rems, rem{k, x - float64(sizes[k])})
	}
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].r > rems[j].r })
	for i := 0; used < total; i++ {
		sizes[rems[i%len(rems)].k]++
		used++
	}
	for k, c := range d.Cohorts {
		if sizes[k] > 0 {
			c.Teams = sizes[k]
			out.Cohorts = append(out.Cohorts, c)
		}
	}
	return out
}

// PeriodStart is the first instant (UTC) of period i of kind.
func PeriodStart(i int, kind string) time.Time {
	switch kind {
	case "quarter":
		return time.Date(1970+floorDiv(i, 4), time.Month(3*(i-4*floorDiv(i, 4))+1), 1, 0, 0, 0, 0, time.UTC)
	case "week":
		return time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)
	}
	return time.Date(1970+floorDiv(i, 12), time.Month(i-12*floorDiv(i, 12)+1), 1, 0, 0, 0, 0, time.UTC)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// timing is a cohort's place in the analysis' periods: the period containing its completion
// (treated) and its first treated period g (the first whole period starting washoutDays after
// completion, as units.sql computes it).
type timing struct{ treated, g int }

func cohortTiming(c Cohort, kind string, washoutDays int) timing {
	return timing{treated: analyze.PeriodIndex(c.Start, kind),
		g: analyze.PeriodIndex(c.Start.AddDate(0, 0, washoutDays-1), kind) + 1}
}
