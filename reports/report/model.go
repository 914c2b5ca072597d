// Package report is the quarterly report's model — everything a sponsor reads, built once from the
// published estimates and ROI of a period — and the rules that turn numbers into words: a metric is
// called improved or worsened only when its interval excludes zero and its q-value is at most
// analysis.alpha; every percentage is written with its interval on the same scale; the before/after
// comparison is labelled as not isolating the program. The writers in reports/render read this
// model and never compute a number or a sentence of their own, so every format says the same.
//
// Missing numbers are NaN. The model never holds a person's name, email, login or account id:
// teams are named, people are counted.
package report

import (
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
)

// SchemaVersion is the version of the JSON document (docs/report.schema.json) and of this model.
const SchemaVersion = "1.0.0"

// Verdict is what the words may claim about a metric.
type Verdict string

// Verdicts.
const (
	// Improved: the interval excludes zero on the side the metric calls better, and q ≤ alpha.
	Improved Verdict = "improved"
	// Worsened: the interval excludes zero on the worse side, and q ≤ alpha.
	Worsened Verdict = "worsened"
	// NoDetectableChange: the interval includes zero, or q > alpha.
	NoDetectableChange Verdict = "no_detectable_change"
	// Suppressed: the estimate rests on fewer than analysis.min_cell people; no number is shown.
	Suppressed Verdict = "suppressed"
	// NotEstimable: the data allowed no estimate.
	NotEstimable Verdict = "not_estimable"
)

// Report is the whole report of one period.
type Report struct {
	Title       string
	Period      string
	GeneratedAt time.Time
	// Cutoff is the end of the data the estimates use (end of the period, or the analysis time).
	Cutoff     time.Time
	AnalysisID string
	// Alpha is analysis.alpha; Confidence the interval's level in percent (95).
	Alpha      float64
	Confidence float64
	Currency   string
	// Unit is "team" or "person"; Control "not_yet_treated" or "never_treated".
	Unit, Control string
	MinCell       int
	// WashoutDays is analysis.washout_days: event month 0 is the first whole month after it.
	WashoutDays int
	// Summary is the one-paragraph summary, sentence by sentence.
	Summary []string
	Program Program
	// Findings are the headline estimates, in catalog order; Families groups them for reading.
	Findings []Finding
	Families []Family
	ROI      ROI
	Charts   Charts
	Caveats  []Caveat
	Data     Data
	// PreviousPeriod is the latest earlier period with estimates ("" when none).
	PreviousPeriod string
	Config         []ConfigEntry
	References     []string
	Reproduce      []Reproduction
}

// Program describes who was trained when and which units are the comparison.
type Program struct {
	Programs []string
	// Treated, NotYet, Never, Dropouts count units (teams, or people when Unit is "person").
	Treated, NotYet, Never, Dropouts int
	// Cohorts lists training months with the teams trained (names only when units are teams).
	Cohorts []Cohort
	// Design is the evaluation design in plain words, paragraph by paragraph.
	Design []string
}

// Cohort is the units treated in one month.
type Cohort struct {
	Month time.Time
	Units int
	// Teams names the teams (units = team); empty when units are people.
	Teams []string
}

// Family is one family of metrics, in the order a sponsor reads them.
type Family struct {
	Name     string
	Findings []int // indexes into Report.Findings
}

// Effect is one estimate on its own scale with its relative reading.
type Effect struct {
	Method, Aggregation, Scale string
	Estimate, CILow, CIHigh    float64
	// Relative, RelLow, RelHigh are the effect as a fraction (-0.21 = 21% lower) with its interval
	// on the same relative scale; NaN when only the absolute reading exists.
	Relative, RelLow, RelHigh float64
	PValue, QValue            float64
	NTreated, NControl        int
	NEventsPre, NEventsPost   int64
	MDE                       float64
	Flags                     []string
	// Population is "per_protocol", "intention_to_treat" or "" when the warehouse does not say.
	Population string
}

// Pretrend is the pre-trend test of the event study, when the warehouse has it.
type Pretrend struct {
	Stat, DF1, DF2, P float64
	Note              string
}

// Finding is one metric's headline result and what is said about it.
type Finding struct {
	Metric, Family, Title string
	// Kind is duration, proportion or count; Better lower or higher; Unit hours, minutes, share, count.
	Kind, Better, Unit string
	Headline           Effect
	Verdict            Verdict
	// Change is the effect in words with its interval ("21% shorter (95% CI 9% to 31% shorter)").
	Change string
	// Sentence is the sponsor's sentence.
	Sentence string
	// BeforeAfter is the within-treated comparison (nil when absent) and its labelled sentence.
	BeforeAfter         *Effect
	BeforeAfterSentence string
	// ITT is the intention-to-treat headline when the warehouse holds both populations.
	ITT        *Effect
	ITTVerdict Verdict
	// ITTChange is the intention-to-treat effect in words with its interval.
	ITTChange string
	// PretrendText describes the pre-trend test in words ("" when the warehouse has none).
	PretrendText string
	// RIPValue and Breakdown are the headline's permutation p-value and breakdown value M̄ (see
	// EstimateRow); SensitivityText says what they mean ("" when the warehouse has neither).
	RIPValue, Breakdown float64
	SensitivityText     string
	EventStudy          []charts.EventPoint
	// EventScale says what EventStudy's numbers are: "percent" or "points" (percentage points or
	// absolute per-event units).
	EventScale string
	Pretrend   *Pretrend
	Previous   *Movement
	ROI        *MetricROI
}

// Movement is how a headline moved since the previous period.
type Movement struct {
	Period                    string
	Relative, RelLow, RelHigh float64
	Verdict                   Verdict
	Sentence                  string
}

// MetricROI is one metric's line of the ROI.
type MetricROI struct {
	Metric, Title string
	// Unit is the metric's unit (hours, minutes, share, count), for EffectPerEvent.
	Unit      string
	Monetised bool
	// EffectPerEvent is in the metric's unit; AnnualVolume in events; ValuePerUnit in Currency.
	EffectPerEvent, AnnualVolume, ValuePerUnit float64
	Benefit, BenefitLow, BenefitHigh           float64
	// BenefitBounds says what BenefitLow/High are: "ci" (a confidence interval) or "conservative"
	// (the conservative and the favourable bound of the analysis).
	BenefitBounds string
	Level         string
}

// ROI is the program's return.
type ROI struct {
	Available bool
	Currency  string
	Cost      float64
	// Benefit with its interval (BenefitCILow/High NaN when the warehouse has no interval).
	Benefit, BenefitCILow, BenefitCIHigh float64
	// Conservative benefit: the lower bound where it is an improvement, 0 when unsure.
	BenefitConservative float64
	NetBenefit          float64
	ROIPct, ROICILow    float64
	ROICIHigh           float64
	BCR, BCRCILow       float64
	BCRCIHigh           float64
	ConservativeROIPct  float64
	ConservativeBCR     float64
	Metrics             []MetricROI
	// Intangibles are the metrics without a money value, by title.
	Intangibles []string
	CostLines   []CostLine
	// Headline is the ROI in one sentence, for the summary; Sentences describe it in full.
	Headline  string
	Sentences []string
}

// CostLine is one line of the fully loaded cost.
type CostLine struct {
	Line string
	// Label is the line in a sponsor's words, with what Quantity counts ("Participant fees
	// (people enrolled)"); Build fills it from Line.
	Label              string
	Quantity, UnitCost float64
	Amount             float64
	Currency           string
}

// Charts holds every chart of the report.
type Charts struct {
	Forest        *charts.Chart
	Cohorts       *charts.Chart
	ROI           *charts.Chart
	EventStudies  []MetricChart
	Distributions []MetricChart
	ChartErrors   []string
	// ForestOmitted names the measures left out of the forest plot (beyond ForestMax).
	ForestOmitted []string
}

// MetricChart is a chart of one metric.
type MetricChart struct {
	Metric string
	Chart  charts.Chart
}

// Caveat is one warning generated from the data.
type Caveat struct {
	Kind    string // pretrend_failed, pretrend_untestable, small_sample, suppressed, ...
	Text    string
	Metrics []string
	// Sources names the sources a recorded caveat is about (stale_source, missing_source).
	Sources []string
}

// Data describes the data behind the report.
type Data struct {
	Sources []SourceData
	// Tables counts rows of the canonical tables.
	Tables []TableCount
	// Identity match: accounts (bots excluded) matched to a person.
	Accounts, AccountsMatched int
	MatchRate                 float64
	// Events counts metric events by metric.
	Events []TableCount
}

// SourceData is one source's records and freshness.
type SourceData struct {
	Source   string
	Records  int64
	LastSync time.Time // zero when never synced
	DataTo   time.Time // largest committed cursor
	Stale    bool
}

// TableCount is a row count.
type TableCount struct {
	Name  string
	Count int64
}

// ConfigEntry is one configuration key used, never a secret.
type ConfigEntry struct {
	Key, Value string
}

// Reproduction is a command that reproduces a number of the report.
type Reproduction struct {
	What, Command string
}
