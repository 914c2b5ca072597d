// Package planreport renders what `trainimpact plan` computed (pipeline/plan): the table of
// minimum detectable effects per metric, the chart of the MDE by teams trained and quarters
// observed, a short text a sponsor can approve, and the recommended stepped-wedge order. Build
// turns the computed Input into a Report (numbers converted to the scales people read, sentences
// written); the writers (Text, Markdown, JSON, OrderCSV) lay it out, the text and Markdown through
// the template files plan.txt.tmpl and plan.md.tmpl.
//
// Scales: a duration's DiD estimate is a difference of mean log durations, so its MDE δ reads as a
// relative change: a decrease of 1 − e^(−δ) or an increase of e^δ − 1 (both shown; the sentence
// uses the direction the metric's `better:` calls an improvement). A share's MDE is in
// percentage points, a rate's in the metric's unit per event. Every MDE carries the Monte Carlo
// interval of its simulation (the spread that the finite number of placebo rollouts leaves), on
// the same scale. Only teams are named (their ids and names, as the report names them); no
// person appears anywhere.
package planreport

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Scales of a metric's DiD estimate (as estimates.scale).
const (
	ScaleLog   = "log"
	ScaleShare = "share"
	ScaleRate  = "rate"
)

// Input is what the plan computed, in the units of the estimator.
type Input struct {
	GeneratedAt time.Time
	// Warehouse is the file read (its base name) and Cutoff the cut-off of its latest analysis.
	Warehouse string
	Cutoff    time.Time
	// HistoryStart and HistoryEnd bound the periods used (end exclusive); Period is the analysis
	// period (month, quarter, week); WashoutDays and Control are the analysis settings.
	HistoryStart, HistoryEnd time.Time
	Period                   string
	WashoutDays              int
	Control                  string
	// Started: the proposed start falls before the cut-off, so the history ends at it.
	Started bool
	// TrainedCut teams already trained keep only their months before training; Dropouts teams are
	// left out; Eligible teams are not yet trained.
	TrainedCut, Dropouts, Eligible int
	Alpha, Power                   float64
	Placebos                       int
	Seed                           uint64
	Quarters                       int
	Cohorts                        []Cohort
	Metrics                        []Metric
	// Chart is the grid of the chart metric (nil when none could be drawn).
	Chart *Grid
	// Command is the command line that reproduces the plan (no secret, no person).
	Command string
	// Distinct is the number of different rollouts the Pool teams placebo cohorts are drawn from
	// allow (the smallest over the metrics; 0 unknown).
	Distinct float64
	Pool     int
}

// Cohort is one cohort of the rollout with the teams the randomised order puts in it.
type Cohort struct {
	Name  string    `json:"cohort"`
	Start time.Time `json:"-"`
	Teams []Team    `json:"teams"`
}

// Team is a team id and name.
type Team struct {
	ID   string `json:"team_id"`
	Name string `json:"team"`
}

// Metric is one metric's MDE on its DiD scale (NaN when not sized: Note says why).
type Metric struct {
	Name, Title, Unit, Better, Scale string
	MDE, Low, High, NullSD           float64
	Placebos, Failed, Teams          int
	// Periods counts the analysis periods of the metric's history.
	Periods int
	Note    string
}

// Grid is the chart metric's MDE by teams trained and quarters observed.
type Grid struct {
	Metric Metric // its name, title, unit, better and scale (MDE fields unused)
	Points []GridPoint
}

// GridPoint is one point of the grid (MDE NaN: not estimable).
type GridPoint struct {
	Teams, Quarters int
	MDE, Low, High  float64
}

// Report is the plan as people read it.
type Report struct {
	Input
	Rows []Row
	// Text is the sponsor's text, one paragraph a string (a string starting with "- " is an item
	// of a list); Notes the caveats of the history.
	Text  []string
	Notes []string
	Teams int
	// FirstStart and LastStart are the first and last cohort months (YYYY-MM).
	FirstStart, LastStart string
	// ChartSVG is the grid's chart (MDEChart; nil when there is none: ChartErr says why) and
	// ChartAlt its text alternative.
	ChartSVG []byte
	ChartAlt string
	ChartErr error
}

// Row is one line of the table.
type Row struct {
	Metric
	// ScaleLabel says what the DiD scale is, e.g. "log hours" or "share (percentage points)".
	ScaleLabel string
	// Decrease and Increase are the relative changes (fractions) the MDE amounts to on the log
	// scale (NaN otherwise), with the Monte Carlo intervals DecLow..DecHigh and IncLow..IncHigh.
	Decrease, DecLow, DecHigh float64
	Increase, IncLow, IncHigh float64
}

// Build converts in to a Report: rows on readable scales, the sponsor's text and the notes.
func Build(in Input) *Report {
	r := &Report{Input: in}
	for _, c := range in.Cohorts {
		r.Teams += len(c.Teams)
	}
	if len(in.Cohorts) > 0 {
		r.FirstStart = in.Cohorts[0].Start.Format("2006-01")
		r.LastStart = in.Cohorts[len(in.Cohorts)-1].Start.Format("2006-01")
	}
	for _, m := range in.Metrics {
		row := Row{Metric: m, ScaleLabel: scaleLabel(m)}
		nan := math.NaN()
		row.Decrease, row.DecLow, row.DecHigh, row.Increase, row.IncLow, row.IncHigh = nan, nan, nan, nan, nan, nan
		if m.Scale == ScaleLog && finite(m.MDE) {
			row.Decrease, row.Increase = -math.Expm1(-m.MDE), math.Expm1(m.MDE)
			row.DecLow, row.DecHigh = -math.Expm1(-m.Low), -math.Expm1(-m.High)
			row.IncLow, row.IncHigh = math.Expm1(m.Low), math.Expm1(m.High)
		}
		r.Rows = append(r.Rows, row)
	}
	r.Text = sponsorText(r)
	r.Notes = notes(r)
	if c, err := MDEChart(r); err == nil {
		r.ChartSVG, r.ChartAlt = c.SVG, c.Alt
	} else {
		r.ChartErr = err
	}
	return r
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// scaleLabel names a metric's DiD scale.
func scaleLabel(m Metric) string {
	switch m.Scale {
	case ScaleLog:
		return "log " + m.Unit + " (relative change)"
	case ScaleShare:
		return "share (percentage points)"
	}
	u := m.Unit
	if u == "" || u == "count" {
		u = "count"
	}
	return u + " per event"
}

// Amount writes a row's MDE as people read it: "−18.1% (or +22.1%)" on the log scale with the
// better direction first, "4.1 percentage points" for a share, "0.12 count per event" for a rate.
func (r Row) Amount() string {
	if !finite(r.MDE) {
		return "not sized"
	}
	switch r.Scale {
	case ScaleLog:
		if r.Better == "higher" {
			return fmt.Sprintf("%s (or %s)", signedPct(r.Increase), signedPct(-r.Decrease))
		}
		return fmt.Sprintf("%s (or %s)", signedPct(-r.Decrease), signedPct(r.Increase))
	case ScaleShare:
		if r.MDE >= 1 {
			return "more than any share can change (100 percentage points): not detectable"
		}
		return fmt.Sprintf("%s percentage points", num(100*r.MDE))
	}
	return fmt.Sprintf("%s %s per event", num(r.MDE), unitOr(r.Unit))
}

// Undetectable reports a share whose MDE is 100 percentage points or more: no possible change.
func (r Row) Undetectable() bool { return r.Scale == ScaleShare && finite(r.MDE) && r.MDE >= 1 }

// Interval writes the Monte Carlo interval of the amount, on the same scale.
func (r Row) Interval() string {
	if !finite(r.MDE) || !finite(r.Low) || !finite(r.High) {
		return "–"
	}
	switch r.Scale {
	case ScaleLog:
		if r.Better == "higher" {
			return fmt.Sprintf("%s to %s", signedPct(r.IncLow), signedPct(r.IncHigh))
		}
		return fmt.Sprintf("%s to %s", signedPct(-r.DecLow), signedPct(-r.DecHigh))
	case ScaleShare:
		return fmt.Sprintf("%s to %s pp", num(100*r.Low), num(100*r.High))
	}
	return fmt.Sprintf("%s to %s", num(r.Low), num(r.High))
}

// DiD writes the MDE and the null SD on the estimator's own scale.
func (r Row) DiD() string {
	if !finite(r.MDE) {
		return "–"
	}
	return num(r.MDE)
}

// SD writes the null SD on the estimator's own scale.
func (r Row) SD() string {
	if !finite(r.NullSD) || r.Placebos == 0 {
		return "–"
	}
	return num(r.NullSD)
}

func unitOr(u string) string {
	if u == "" {
		return "count"
	}
	return u
}

// signedPct writes a fraction as a signed percentage to one decimal: −18.1%, +22.1%.
func signedPct(v float64) string {
	if !finite(v) {
		return "–"
	}
	s := fmt.Sprintf("%+.1f%%", 100*v)
	return strings.Replace(s, "-", "−", 1)
}

// num writes v to 3 significant digits (no exponent below a million).
func num(v float64) string {
	if !finite(v) {
		return "–"
	}
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	if a < 1e-4 {
		return fmt.Sprintf("%.2g", v)
	}
	d := int(math.Ceil(-math.Log10(a))) + 2
	return fmt.Sprintf("%.*f", d, v)
}

// sponsorText writes the paragraphs a sponsor approves: what the rollout is, what it can detect
// and with what certainty, what it cannot, and the order.
func sponsorText(r *Report) []string {
	var out []string
	nCoh := len(r.Cohorts)
	span := "in " + r.FirstStart
	if r.FirstStart != r.LastStart {
		span = fmt.Sprintf("from %s to %s", r.FirstStart, r.LastStart)
	}
	out = append(out, fmt.Sprintf("Proposed rollout: %d %s in %d %s whose leads complete the program %s. The analysis this plan sizes is made %d %s after the first cohort's first month counted as trained (each cohort's first %d days after completion are left out, as the analysis does).",
		r.Teams, plural(r.Teams, "team", "teams"), nCoh, plural(nCoh, "cohort", "cohorts"), span, r.Quarters, plural(r.Quarters, "quarter", "quarters"), r.WashoutDays))
	var sized, unsized, impossible []string
	for _, row := range r.Rows {
		switch {
		case row.Undetectable():
			impossible = append(impossible, row.Title)
		case finite(row.MDE):
			sized = append(sized, fmt.Sprintf("%s: %s", row.Title, row.Amount()))
		default:
			unsized = append(unsized, row.Title)
		}
	}
	if len(sized) > 0 {
		out = append(out, fmt.Sprintf("If the program changes a metric by at least the amount below, that analysis (staggered difference-in-differences, two-sided test at alpha = %s) finds the change with a probability of %s or more:",
			trimFloat(r.Alpha), pctWhole(r.Power)))
		for _, s := range sized {
			out = append(out, "- "+s)
		}
		out = append(out, fmt.Sprintf("A smaller change may be real and still be reported as \"no detectable change\". These amounts come from %d simulated rollouts of this design on the organisation's own history (%s to %s) with no effect added, so they include its trends, seasons and team-to-team differences; they assume the coming months vary as those did. The ranges in the table are the simulation's own error, not a promise about the future.",
			r.Placebos, r.HistoryStart.Format("2006-01"), r.HistoryEnd.AddDate(0, 0, -1).Format("2006-01")))
	} else {
		out = append(out, "No metric could be sized on this history: see the notes.")
	}
	if len(impossible) > 0 {
		out = append(out, fmt.Sprintf("This rollout cannot detect a change in %s: the change it would need is larger than the share can move.", strings.Join(impossible, ", ")))
	}
	if len(unsized) > 0 {
		out = append(out, fmt.Sprintf("Not sized (too little history or too few teams with events): %s.", strings.Join(unsized, ", ")))
	}
	out = append(out, fmt.Sprintf("Recommended order: train the teams cohort by cohort in the order listed, drawn at random with seed %d. A random order makes which teams go first a matter of chance, which the comparison of trained with not-yet-trained teams relies on; running the same command with --seed %d draws the same order again.", r.Seed, r.Seed))
	return out
}

// notes lists what the history left out.
func notes(r *Report) []string {
	var out []string
	if r.Started {
		out = append(out, fmt.Sprintf("The proposed start falls inside the data: only the months before %s are used, since later months may already carry the program's effect.", r.HistoryEnd.Format("2006-01")))
	}
	if r.TrainedCut > 0 {
		out = append(out, fmt.Sprintf("%d %s already trained before %s: only %s months before training are used, and %s never drawn into a simulated cohort.",
			r.TrainedCut, plural(r.TrainedCut, "team was", "teams were"), r.HistoryEnd.Format("2006-01"), plural(r.TrainedCut, "its", "their"), plural(r.TrainedCut, "it is", "they are")))
	}
	if r.Dropouts > 0 {
		out = append(out, fmt.Sprintf("%d %s whose lead dropped out of the program %s left out.", r.Dropouts, plural(r.Dropouts, "team", "teams"), plural(r.Dropouts, "is", "are")))
	}
	out = append(out, fmt.Sprintf("%d %s not yet trained; the order draws from them.", r.Eligible, plural(r.Eligible, "team is", "teams are")))
	if r.Distinct > 0 && r.Distinct < float64(r.Placebos) {
		out = append(out, fmt.Sprintf("With %d %s to draw the simulated cohorts from, only %.0f different rollouts exist: the MDEs rest on so few and are rough (a probability can only be read in steps of %s).",
			r.Pool, plural(r.Pool, "team", "teams"), r.Distinct, pctOne(1/r.Distinct)))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}

func pctOne(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

func pctWhole(v float64) string { return fmt.Sprintf("%s%%", trimFloat(100*v)) }
