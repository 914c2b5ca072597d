package analyze

import (
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// ErrBadPanel reports an analyst panel that cannot be read: a missing column or a value that is
// not a number. Returned wrapped in a *PanelError.
var ErrBadPanel = errors.New("analyze: bad panel")

// PanelError locates a problem in an analyst panel (Line 0 = the header or the query's columns).
type PanelError struct {
	Line   int
	Column string
	Msg    string
}

// Error reads "analyze: panel line N, column C: MSG".
func (e *PanelError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("analyze: panel column %q: %s", e.Column, e.Msg)
	}
	return fmt.Sprintf("analyze: panel line %d, column %q: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrBadPanel.
func (e *PanelError) Unwrap() error { return ErrBadPanel }

// PanelColumns names the columns of an analyst panel: unit id (any text), time (integer periods,
// consecutive), outcome (number; empty or NA = missing) and group (first treated period,
// 0 or empty = never treated).
type PanelColumns struct {
	Unit, Time, Outcome, Group string
}

func (c PanelColumns) index(header []string) ([4]int, error) {
	var idx [4]int
	for k, name := range []string{c.Unit, c.Time, c.Outcome, c.Group} {
		idx[k] = -1
		for i, h := range header {
			if strings.TrimSpace(h) == name {
				idx[k] = i
			}
		}
		if idx[k] < 0 {
			return idx, &PanelError{Column: name, Msg: fmt.Sprintf("not found (columns: %s)", strings.Join(header, ", "))}
		}
	}
	return idx, nil
}

func (p *PanelData) addText(line int, c PanelColumns, unit, t, y, g string) error {
	ti, err := strconv.Atoi(strings.TrimSpace(t))
	if err != nil {
		if f, ferr := strconv.ParseFloat(strings.TrimSpace(t), 64); ferr == nil && f == math.Trunc(f) {
			ti = int(f)
		} else {
			return &PanelError{Line: line, Column: c.Time, Msg: fmt.Sprintf("%q is not an integer period", t)}
		}
	}
	gi := 0
	if s := strings.TrimSpace(g); s != "" && s != "NA" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f) || f < 0 {
			return &PanelError{Line: line, Column: c.Group, Msg: fmt.Sprintf("%q is not a period (or 0 for never treated)", g)}
		}
		gi = int(f)
	}
	yv := math.NaN()
	if s := strings.TrimSpace(y); s != "" && s != "NA" {
		if yv, err = strconv.ParseFloat(s, 64); err != nil {
			return &PanelError{Line: line, Column: c.Outcome, Msg: fmt.Sprintf("%q is not a number", y)}
		}
	}
	p.Add(strings.TrimSpace(unit), ti, gi, yv)
	return nil
}

// ReadPanelCSV reads a panel from CSV with a header line.
func ReadPanelCSV(r io.Reader, c PanelColumns) (*PanelData, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, &PanelError{Column: "-", Msg: fmt.Sprintf("no header line: %v", err)}
	}
	idx, err := c.index(append([]string(nil), header...))
	if err != nil {
		return nil, err
	}
	p := &PanelData{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &PanelError{Line: line, Column: "-", Msg: err.Error()}
		}
		if err := p.addText(line, c, rec[idx[0]], rec[idx[1]], rec[idx[2]], rec[idx[3]]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ReadPanelRows reads a panel from query results (any column types; NULL outcome = missing).
func ReadPanelRows(rows *sql.Rows, c PanelColumns) (*PanelData, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	idx, err := c.index(cols)
	if err != nil {
		return nil, err
	}
	p := &PanelData{}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for line := 1; rows.Next(); line++ {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		if err := p.addText(line, c, vals[idx[0]].String, vals[idx[1]].String, vals[idx[2]].String, vals[idx[3]].String); err != nil {
			return nil, err
		}
	}
	return p, rows.Err()
}

// ReportRow is one aggregated effect of an analyst's DiD.
type ReportRow struct {
	// Aggregation is simple, dynamic, group (overall effects), event_time (Key = periods since
	// treatment) or cohort (Key = first treated period).
	Aggregation string  `json:"aggregation"`
	Key         *int    `json:"key,omitempty"`
	Estimate    float64 `json:"estimate"`
	SE          float64 `json:"std_error"`
	BootSE      float64 `json:"bootstrap_std_error"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	PValue      float64 `json:"p_value"`
}

// Report is the printable result of EstimateDiD.
type Report struct {
	Units, Cells       int
	NTreated, NControl int
	Alpha              float64
	Rows               []ReportRow
	// PreTrend is the Wald test of all pre-treatment ATT(g,t) = 0 (nil when not defined): did's,
	// comparable with R; with few treated units per cohort it over-rejects.
	PreTrend *stats.WaldTest
	// PreTrendF is the small-sample test on the pre-treatment event-time averages that analyze
	// stores with its estimates (DiDResult.PreTrendF); nil when it could not run, PreTrendNote
	// then says why.
	PreTrendF    *stats.FTest
	PreTrendNote string
}

// Summarize lays out a fitted DiD as rows: simple, dynamic and group overall effects, then the
// event-time and per-cohort terms. p-values use the bootstrap SE when there is one.
func Summarize(res *DiDResult) *Report {
	r := &Report{Units: res.GT.N, NTreated: res.NTreated, NControl: res.NControl, Alpha: res.Alpha, PreTrend: res.PreTrend,
		PreTrendF: res.PreTrendF, PreTrendNote: res.PreTrendNote}
	add := func(agg string, key *int, att, se, boot, lo, hi float64) {
		r.Rows = append(r.Rows, ReportRow{Aggregation: agg, Key: key, Estimate: att, SE: se, BootSE: boot,
			CILow: lo, CIHigh: hi, PValue: PValue(att, SE(se, boot))})
	}
	for _, a := range []*stats.Aggregation{res.Simple, res.Dynamic, res.Group} {
		add(a.Kind.String(), nil, a.ATT, a.SE, a.BootSE, a.Lo, a.Hi)
	}
	for _, t := range res.Dynamic.Terms {
		k := t.Key
		add(AggEventTime, &k, t.ATT, t.SE, t.BootSE, t.Lo, t.Hi)
	}
	for _, t := range res.Group.Terms {
		k := t.Key
		add("cohort", &k, t.ATT, t.SE, t.BootSE, t.Lo, t.Hi)
	}
	return r
}
