package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
)

// Methods and aggregations of the estimates table that the report reads.
const (
	methodDiD         = "did"
	methodBeforeAfter = "before_after"
	aggSimple         = "simple"
	aggEventTime      = "event_time"
	aggOverall        = "overall"
	popITT            = "intention_to_treat"
)

// MetricInfo is a metric of the catalog.
type MetricInfo struct {
	Name, Title, Kind, Better, Unit, Family string
}

// EstimateRow is one row of the estimates table.
type EstimateRow struct {
	Metric    string
	RelPeriod *int
	Effect
	// RelLowCol and RelHighCol are the warehouse's relative bounds (NaN when it has none).
	RelLowCol, RelHighCol float64
	Pretrend              *Pretrend
	// Headline is the warehouse's headline column (nil when it has none): the one row per metric of
	// the configured population and the metric's catalog outcome. A duration metric has a second
	// DiD simple row of the same population (the resolved-only sensitivity outcome).
	Headline *bool
	// Outcome is the DiD cell outcome of the row ("" when the warehouse does not say).
	Outcome string
	// RIPValue is the Fisher permutation p-value of the timing and Breakdown the breakdown value
	// M̄ of the relative-magnitudes sensitivity (headline rows; NaN when the warehouse has none;
	// +Inf when the interval excludes zero at every M̄ searched).
	RIPValue, Breakdown float64
}

// ROIRow is one row of the roi table; NaN for a column the warehouse lacks.
type ROIRow struct {
	Metric                                        string
	Monetised                                     bool
	EffectPerEvent, AnnualVolume, ValuePerUnit    float64
	Benefit, BenefitLow, BenefitHigh              float64
	BenefitCILow, BenefitCIHigh                   float64
	NetBenefit, NetBenefitCILow, NetBenefitCIHigh float64
	Cost                                          float64
	ROIPct, ROIPctLow, ROICILow, ROICIHigh        float64
	BCR, BCRLow, BCRCILow, BCRCIHigh              float64
	ConservativeROIPct, ConservativeBCR           float64
	Level, Currency                               string
}

// ExposureRow is one unit's treatment; Team is the team's name (units = team only).
type ExposureRow struct {
	Status    string
	TreatedAt time.Time // zero when untreated
	Program   string
	Team      string
}

// Input is what the loader read from the warehouse; Build turns it into a Report.
type Input struct {
	Title                   string
	Period, AnalysisID      string
	GeneratedAt, Cutoff     time.Time
	Alpha                   float64
	MinCell                 int
	Unit, Control, Currency string
	WashoutDays             int
	Metrics                 []MetricInfo
	Estimates               []EstimateRow
	PreviousPeriod          string
	Previous                []EstimateRow // headline rows of PreviousPeriod
	ROI                     []ROIRow
	CostLines               []CostLine
	Exposure                []ExposureRow
	Distributions           map[string][2][]float64 // duration metric → pre, post values
	// Problems are things the loader could not read; each becomes a caveat.
	Problems []string
	// Recorded are the caveats the analysis recorded for the period (table caveats: kind
	// stale_source or missing_source, with a sentence naming the source and its last data); each
	// is shown as it was recorded.
	Recorded  []Caveat
	Data      Data
	Config    []ConfigEntry
	Reproduce []Reproduction
}

// Build turns what the loader read into the report: relative readings, verdicts, sentences,
// caveats and charts. A chart that fails to draw is left out and named in Charts.ChartErrors.
func Build(in Input) *Report {
	conf := 100 * (1 - in.Alpha)
	r := &Report{Title: in.Title, Period: in.Period, GeneratedAt: in.GeneratedAt, Cutoff: in.Cutoff,
		AnalysisID: in.AnalysisID, Alpha: in.Alpha, Confidence: conf, Currency: in.Currency, Unit: in.Unit,
		Control: in.Control, MinCell: in.MinCell, WashoutDays: in.WashoutDays, PreviousPeriod: in.PreviousPeriod, Data: in.Data,
		Config: in.Config, Reproduce: in.Reproduce, References: references}

	byMetric := map[string][]EstimateRow{}
	for _, e := range in.Estimates {
		byMetric[e.Metric] = append(byMetric[e.Metric], e)
	}
	prev := map[string]EstimateRow{}
	for _, e := range in.Previous {
		if isHeadline(e) {
			prev[e.Metric] = e
		}
	}
	nTests := 0
	for _, m := range in.Metrics {
		for _, e := range byMetric[m.Name] {
			if isHeadline(e) && !math.IsNaN(e.QValue) {
				nTests++
			}
		}
	}
	for _, m := range in.Metrics {
		rows := byMetric[m.Name]
		f := Finding{Metric: m.Name, Family: m.Family, Title: m.Title, Kind: m.Kind, Better: m.Better, Unit: m.Unit}
		found := false
		for _, e := range rows {
			switch {
			case isHeadline(e):
				f.Headline, found = withRelative(e), true
				f.Pretrend = e.Pretrend
				f.RIPValue, f.Breakdown = e.RIPValue, e.Breakdown
			case e.Method == methodDiD && e.Aggregation == aggSimple && e.RelPeriod == nil && e.Population == popITT && !isHeadline(e) &&
				sameOutcome(e, rows):
				itt := withRelative(e)
				f.ITT = &itt
			case e.Method == methodBeforeAfter && e.Aggregation == aggOverall:
				ba := withRelative(e)
				f.BeforeAfter = &ba
			}
		}
		if !found {
			continue
		}
		f.Verdict = Judge(f.Headline, m.Better, in.Alpha)
		f.Change = ChangeText(m.Kind, f.Headline, conf)
		f.Sentence = Sentence(f, in.Unit, in.Control, in.Alpha, conf, in.MinCell, nTests)
		f.BeforeAfterSentence = BeforeAfterSentence(f, in.Unit, conf)
		if f.ITT != nil {
			f.ITTVerdict = Judge(*f.ITT, m.Better, in.Alpha)
			f.ITTChange = ChangeText(m.Kind, *f.ITT, conf)
		}
		f.PretrendText = pretrendText(f.Pretrend, in.Alpha)
		f.SensitivityText = sensitivityText(f)
		f.EventStudy, f.EventScale = eventStudy(f.Headline, rows)
		if p, ok := prev[m.Name]; ok {
			f.Previous = movement(f, withRelative(p), in.PreviousPeriod, in.Alpha, conf)
		}
		r.Findings = append(r.Findings, f)
	}
	r.Families = families(r.Findings)
	r.Program = program(in)
	r.ROI = buildROI(in, r.Findings)
	r.Charts = buildCharts(in, r)
	r.Caveats = caveats(in, r)
	r.Summary = summary(r)
	return r
}

// isHeadline reports whether a row is a metric's headline: the warehouse's headline column when it
// has one; otherwise DiD, simple aggregation, per protocol (or a warehouse that does not say).
func isHeadline(e EstimateRow) bool {
	if e.Headline != nil {
		return *e.Headline
	}
	return e.Method == methodDiD && e.Aggregation == aggSimple && e.RelPeriod == nil && e.Population != popITT
}

// sameOutcome reports whether e has the cell outcome of its metric's headline row among rows (true
// when the warehouse records no outcome): the other population's row to set beside the headline is
// the one on the same outcome, not a sensitivity row.
func sameOutcome(e EstimateRow, rows []EstimateRow) bool {
	for _, h := range rows {
		if isHeadline(h) {
			return h.Outcome == "" || e.Outcome == "" || h.Outcome == e.Outcome
		}
	}
	return true
}

// withRelative fills the effect's relative interval: the warehouse's relative bounds when it has
// them; exp(x) − 1 of the bounds on the log scale; for shares and rates, the bounds over the level
// the relative change is taken against (estimate / relative change). Otherwise the relative
// reading is left out entirely, so that no relative change stands beside an absolute interval.
func withRelative(e EstimateRow) Effect {
	out := e.Effect
	out.RelLow, out.RelHigh = math.NaN(), math.NaN()
	switch {
	case !math.IsNaN(e.RelLowCol) && !math.IsNaN(e.RelHighCol) && !math.IsNaN(e.Relative):
		out.RelLow, out.RelHigh = e.RelLowCol, e.RelHighCol
	case e.Scale == "log" && !math.IsNaN(e.CILow) && !math.IsNaN(e.CIHigh):
		out.RelLow, out.RelHigh = math.Expm1(e.CILow), math.Expm1(e.CIHigh)
		if math.IsNaN(out.Relative) && !math.IsNaN(e.Estimate) {
			out.Relative = math.Expm1(e.Estimate)
		}
	default:
		level := levelOf(e.Effect)
		if level > 0 && !math.IsNaN(e.CILow) && !math.IsNaN(e.CIHigh) {
			out.RelLow, out.RelHigh = e.CILow/level, e.CIHigh/level
		}
	}
	if math.IsNaN(out.RelLow) || math.IsNaN(out.RelHigh) {
		out.Relative, out.RelLow, out.RelHigh = math.NaN(), math.NaN(), math.NaN()
	}
	// A share or a rate cannot fall below zero: a relative bound under −100% says only that the
	// interval reaches past what is possible, so it stops at −100% (ci_low keeps it whole).
	if e.Scale != "log" && out.RelLow < -1 {
		out.RelLow = -1
	}
	return out
}

// levelOf is the level a share's or rate's relative change is taken against: estimate / relative
// change; NaN when either is missing or zero.
func levelOf(e Effect) float64 {
	if e.Scale == "log" || math.IsNaN(e.Relative) || e.Relative == 0 || math.IsNaN(e.Estimate) || e.Estimate == 0 {
		return math.NaN()
	}
	return e.Estimate / e.Relative
}

// eventStudy converts the event-time rows to the headline's reading: percent when the headline
// reads relatively (exp(x) − 1, or over the headline's level), points otherwise.
// EventStudyFirst and EventStudyLast bound the periods since training an event-study chart shows:
// six before (as many as the pre-trend test uses) to twelve after. The event times further out
// rest on the earliest or latest one or two cohorts only; they stay in the estimates table.
const (
	EventStudyFirst = -6
	EventStudyLast  = 12
)

func eventStudy(h Effect, rows []EstimateRow) ([]charts.EventPoint, string) {
	var pts []charts.EventPoint
	level := levelOf(h)
	// Shares are drawn in percentage points: a month's change relative to a small share (a 3%
	// reopen rate) swings by hundreds of percent and hides the pattern.
	scale := "percent"
	if h.Scale == "share" || (h.Scale != "log" && !(level > 0)) {
		scale = "points"
	}
	conv := func(x float64) float64 {
		switch {
		case h.Scale == "log":
			return 100 * math.Expm1(x)
		case scale == "percent":
			return 100 * math.Max(x/level, -1) // a share or rate stops at −100%
		case h.Scale == "share":
			return 100 * x
		}
		return x
	}
	for _, e := range rows {
		if e.Method != methodDiD || e.Aggregation != aggEventTime || e.RelPeriod == nil || e.Population == popITT {
			continue
		}
		if *e.RelPeriod < EventStudyFirst || *e.RelPeriod > EventStudyLast {
			continue // the far ends rest on one or two cohorts: their intervals would swamp the chart
		}
		p := charts.EventPoint{RelPeriod: *e.RelPeriod, Estimate: conv(e.Estimate), Low: conv(e.CILow), High: conv(e.CIHigh)}
		if hasFlag(e.Flags, "suppressed") || math.IsNaN(e.Estimate) || math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) {
			p = charts.EventPoint{RelPeriod: *e.RelPeriod, Estimate: math.NaN(), Low: math.NaN(), High: math.NaN(), Suppressed: true}
		}
		pts = append(pts, p)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].RelPeriod < pts[j].RelPeriod })
	return pts, scale
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// movement describes how a headline moved since the previous period.
func movement(f Finding, p Effect, period string, alpha, conf float64) *Movement {
	m := &Movement{Period: period, Relative: p.Relative, RelLow: p.RelLow, RelHigh: p.RelHigh, Verdict: Judge(p, f.Better, alpha)}
	was := ChangeText(f.Kind, p, conf)
	if was == "" {
		m.Sentence = fmt.Sprintf("In %s: no estimate to compare with.", period)
		return m
	}
	m.Sentence = fmt.Sprintf("In %s: %s (%s).", period, was, strings.ReplaceAll(string(m.Verdict), "_", " "))
	if !math.IsNaN(p.Relative) && !math.IsNaN(f.Headline.Relative) {
		d := 100 * (f.Headline.Relative - p.Relative)
		m.Sentence += fmt.Sprintf(" The point estimate moved by %+.1f percentage points since; the two intervals overlap%s.",
			d, overlapWord(p, f.Headline))
	}
	return m
}

func overlapWord(a, b Effect) string {
	if a.RelHigh < b.RelLow || b.RelHigh < a.RelLow {
		return " not at all"
	}
	return ""
}

// familyOrder is the order a sponsor reads the families in; others follow alphabetically.
var familyOrder = []string{"resolution quality", "rework", "escalations", "lead time"}

func families(fs []Finding) []Family {
	idx := map[string]int{}
	var out []Family
	for i, f := range fs {
		j, ok := idx[f.Family]
		if !ok {
			j = len(out)
			idx[f.Family] = j
			out = append(out, Family{Name: f.Family})
		}
		out[j].Findings = append(out[j].Findings, i)
	}
	rank := func(name string) int {
		for i, n := range familyOrder {
			if n == name {
				return i
			}
		}
		return len(familyOrder)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i].Name), rank(out[j].Name)
		if ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// program counts units and cohorts and writes the design in plain words.
func program(in Input) Program {
	p := Program{}
	progs := map[string]bool{}
	months := map[time.Time]*Cohort{}
	for _, x := range in.Exposure {
		switch x.Status {
		case "treated":
			p.Treated++
		case "not_yet":
			p.NotYet++
		case "never":
			p.Never++
		case "dropout":
			p.Dropouts++
		}
		if x.Program != "" {
			progs[x.Program] = true
		}
		if x.Status == "treated" && !x.TreatedAt.IsZero() {
			mo := time.Date(x.TreatedAt.Year(), x.TreatedAt.Month(), 1, 0, 0, 0, 0, time.UTC)
			c := months[mo]
			if c == nil {
				c = &Cohort{Month: mo}
				months[mo] = c
			}
			c.Units++
			if in.Unit != "person" && x.Team != "" {
				c.Teams = append(c.Teams, x.Team)
			}
		}
	}
	for n := range progs {
		p.Programs = append(p.Programs, n)
	}
	sort.Strings(p.Programs)
	for _, c := range months {
		sort.Strings(c.Teams)
		// With people as units, a month with fewer than min_cell people is not shown on its own.
		if in.Unit == "person" && c.Units < in.MinCell {
			continue
		}
		p.Cohorts = append(p.Cohorts, *c)
	}
	sort.Slice(p.Cohorts, func(i, j int) bool { return p.Cohorts[i].Month.Before(p.Cohorts[j].Month) })
	p.Design = design(in, p)
	return p
}

func design(in Input, p Program) []string {
	units := "teams"
	if in.Unit == "person" {
		units = "people"
	}
	treated, comparison := Who(in.Unit, in.Control)
	var out []string
	if in.Unit == "person" {
		out = append(out, fmt.Sprintf("The program trains people. Here each person counts as trained from the date they completed it. %d people completed it, %d are not yet trained, %d were never enrolled and %d dropped out.",
			p.Treated, p.NotYet, p.Never, p.Dropouts))
	} else {
		out = append(out, fmt.Sprintf("The program trains people, but operations happen in teams: a team counts as trained from the date its lead completed the program. %d teams have a trained lead, %d are not yet trained, %d were never enrolled and %d had a lead who dropped out.",
			p.Treated, p.NotYet, p.Never, p.Dropouts))
	}
	out = append(out,
		fmt.Sprintf("The evaluation compares %s, month by month, with %s over the same months (staggered difference-in-differences, Callaway and Sant'Anna 2021). Because both groups live through the same reorganisations, seasons and tool changes, what they share cancels out, and what remains is the change that goes with the training.", strings.TrimPrefix(strings.TrimPrefix(treated, "in "), "for "), comparison),
		"What it cannot rule out: a change that happened only to trained teams at the time they were trained (a new tool or a reorganisation that came with the program), or teams chosen for training because they were about to improve anyway. The pre-training months of each chart show whether the groups moved alike before the training; where they did not, the caveats say so.",
		fmt.Sprintf("Intervals are %s%% confidence intervals from a bootstrap over %s. Because %d measures are tested together, a change is called an improvement or a deterioration only when its interval leaves out zero and its false-discovery-adjusted q-value is at most %.2f.",
			strings.TrimSuffix(fmt.Sprintf("%.1f", 100*(1-in.Alpha)), ".0"), units, len(in.Metrics), in.Alpha),
		"The before/after figures compare trained units with themselves before the training. They are shown for reference only: they do not isolate the program, because they also hold every other change over the same months.")
	return out
}

// references are the method's sources.
var references = []string{
	"Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time periods. Journal of Econometrics 225(2), 200–230.",
	"Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. Journal of the Royal Statistical Society B 57(1), 289–300.",
	"Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete observations. Journal of the American Statistical Association 53, 457–481.",
	"Phillips, J. J. and Phillips, P. P. (2016). Handbook of Training Evaluation and Measurement Methods, 4th ed. (the ROI Methodology).",
	"Hodges, J. L. and Lehmann, E. L. (1963). Estimates of location based on rank tests. Annals of Mathematical Statistics 34, 598–611.",
}

// sensitivityText says how far the headline bends when trends after training may depart from
// parallel (Rambachan & Roth 2023, relative magnitudes): the breakdown value M̄ at which its
// interval first includes zero, and the permutation p-value of the timing; "" when the warehouse
// has neither.
func sensitivityText(f Finding) string {
	var parts []string
	switch b := f.Breakdown; {
	case math.IsNaN(b):
	case b == 0:
		parts = append(parts, "its interval includes zero even under exactly parallel trends (M̄ = 0)")
	case math.IsInf(b, 1):
		parts = append(parts, "its interval excludes zero for every departure from parallel trends searched (M̄ up to 4)")
	default:
		parts = append(parts, fmt.Sprintf("its interval excludes zero until trends after training depart from parallel by %.1f times the largest month-to-month departure before training (breakdown value M̄ = %.1f)", b, b))
	}
	if !math.IsNaN(f.RIPValue) {
		parts = append(parts, fmt.Sprintf("reassigning the training months among the units at random gives p = %.3f (a permutation test that holds at any sample size when the timing was as good as random)", f.RIPValue))
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// pretrendText describes the pre-trend Wald test: its statistic, degrees of freedom and p-value,
// whether it rejects parallel trends at alpha, and the warehouse's note.
func pretrendText(p *Pretrend, alpha float64) string {
	if p == nil {
		return ""
	}
	var s string
	switch {
	case math.IsNaN(p.P):
		s = "not testable"
	default:
		s = fmt.Sprintf("p = %.3f", p.P)
		if !math.IsNaN(p.Stat) {
			switch {
			case !math.IsNaN(p.DF1) && !math.IsNaN(p.DF2):
				s = fmt.Sprintf("F(%g, %.0f) = %.2f, %s", p.DF1, p.DF2, p.Stat, s)
			case !math.IsNaN(p.DF1):
				s = fmt.Sprintf("χ²(%g) = %.2f, %s", p.DF1, p.Stat, s)
			default:
				s = fmt.Sprintf("statistic %.2f, %s", p.Stat, s)
			}
		}
		if p.P <= alpha {
			s += ": the groups moved differently before the training"
		} else {
			s += ": no detectable difference in how the groups moved before the training (a test of limited power: read the chart too)"
		}
	}
	if p.Note != "" {
		s += " (" + p.Note + ")"
	}
	return s
}
