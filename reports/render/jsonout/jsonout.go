// Package jsonout writes the report as a JSON document whose shape is versioned and documented by
// docs/report.schema.json (schema_version). Relative changes are fractions (−0.21 = 21% lower);
// roi_pct and its bounds are percentages (146.5 = 146.5%); money is in roi.currency; a number the
// data does not support is null.
package jsonout

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/trainimpact/trainimpact/reports/report"
)

// Document is the JSON report.
type Document struct {
	SchemaVersion   string    `json:"schema_version"`
	Title           string    `json:"title"`
	Period          string    `json:"period"`
	PreviousPeriod  *string   `json:"previous_period"`
	GeneratedAt     time.Time `json:"generated_at"`
	DataCutoff      time.Time `json:"data_cutoff"`
	AnalysisID      string    `json:"analysis_id"`
	Alpha           float64   `json:"alpha"`
	ConfidenceLevel float64   `json:"confidence_level"`
	Unit            string    `json:"unit"`
	Control         string    `json:"control"`
	MinCell         int       `json:"min_cell"`
	Summary         []string  `json:"summary"`
	Findings        []Finding `json:"findings"`
	ROI             ROI       `json:"roi"`
	Caveats         []Caveat  `json:"caveats"`
	Data            Data      `json:"data"`
}

// Finding is one metric's headline.
type Finding struct {
	Metric         string       `json:"metric"`
	Family         string       `json:"family"`
	Title          string       `json:"title"`
	Kind           string       `json:"kind"`
	Better         string       `json:"better"`
	Unit           string       `json:"unit"`
	Method         string       `json:"method"`
	Scale          string       `json:"scale"`
	Estimate       *float64     `json:"estimate"`
	CILow          *float64     `json:"ci_low"`
	CIHigh         *float64     `json:"ci_high"`
	RelativeChange *float64     `json:"relative_change"`
	RelativeCILow  *float64     `json:"relative_ci_low"`
	RelativeCIHigh *float64     `json:"relative_ci_high"`
	PValue         *float64     `json:"p_value"`
	QValue         *float64     `json:"q_value"`
	MDE            *float64     `json:"mde"`
	NTreated       int          `json:"n_treated_units"`
	NControl       int          `json:"n_control_units"`
	NEventsPre     int64        `json:"n_events_pre"`
	NEventsPost    int64        `json:"n_events_post"`
	Population     *string      `json:"population"`
	Verdict        string       `json:"verdict"`
	Change         string       `json:"change"`
	Sentence       string       `json:"sentence"`
	Flags          []string     `json:"flags"`
	BeforeAfter    *BeforeAfter `json:"before_after"`
	Previous       *Previous    `json:"previous"`
	Pretrend       *Pretrend    `json:"pretrend"`
	RIPValue       *float64     `json:"ri_p_value,omitempty"`
	BreakdownMbar  *float64     `json:"breakdown_mbar,omitempty"`
	Sensitivity    string       `json:"sensitivity,omitempty"`
	ITT            *ITT         `json:"intention_to_treat"`
}

// Pretrend is the event study's pre-trend test, when the warehouse has it.
type Pretrend struct {
	Statistic *float64 `json:"statistic"`
	DF1       *float64 `json:"df1"`
	DF2       *float64 `json:"df2"`
	PValue    *float64 `json:"p_value"`
	Note      string   `json:"note"`
	Text      string   `json:"text"`
}

// ITT is the intention-to-treat headline, when the warehouse holds both populations.
type ITT struct {
	RelativeChange *float64 `json:"relative_change"`
	RelativeCILow  *float64 `json:"relative_ci_low"`
	RelativeCIHigh *float64 `json:"relative_ci_high"`
	QValue         *float64 `json:"q_value"`
	Verdict        string   `json:"verdict"`
	Change         string   `json:"change"`
}

// BeforeAfter is the within-treated comparison, which does not isolate the program.
type BeforeAfter struct {
	Scale          string   `json:"scale"`
	Estimate       *float64 `json:"estimate"`
	CILow          *float64 `json:"ci_low"`
	CIHigh         *float64 `json:"ci_high"`
	RelativeChange *float64 `json:"relative_change"`
	RelativeCILow  *float64 `json:"relative_ci_low"`
	RelativeCIHigh *float64 `json:"relative_ci_high"`
	Sentence       string   `json:"sentence"`
	Flags          []string `json:"flags"`
}

// Previous is the headline of the previous period.
type Previous struct {
	Period         string   `json:"period"`
	RelativeChange *float64 `json:"relative_change"`
	RelativeCILow  *float64 `json:"relative_ci_low"`
	RelativeCIHigh *float64 `json:"relative_ci_high"`
	Verdict        string   `json:"verdict"`
	Sentence       string   `json:"sentence"`
}

// ROI is the program's return.
type ROI struct {
	Currency    string      `json:"currency"`
	Total       *ROITotal   `json:"total"`
	Metrics     []ROIMetric `json:"metrics"`
	Intangibles []string    `json:"intangibles"`
	CostLines   []CostLine  `json:"cost_lines"`
	Headline    string      `json:"headline"`
	Sentences   []string    `json:"sentences"`
}

// ROITotal is the total row.
type ROITotal struct {
	Benefit             *float64 `json:"benefit"`
	BenefitCILow        *float64 `json:"benefit_ci_low"`
	BenefitCIHigh       *float64 `json:"benefit_ci_high"`
	BenefitConservative *float64 `json:"benefit_conservative"`
	Cost                *float64 `json:"cost"`
	NetBenefit          *float64 `json:"net_benefit"`
	ROIPct              *float64 `json:"roi_pct"`
	ROICILow            *float64 `json:"roi_ci_low"`
	ROICIHigh           *float64 `json:"roi_ci_high"`
	BCR                 *float64 `json:"bcr"`
	BCRCILow            *float64 `json:"bcr_ci_low"`
	BCRCIHigh           *float64 `json:"bcr_ci_high"`
	ConservativeROIPct  *float64 `json:"conservative_roi_pct"`
	ConservativeBCR     *float64 `json:"conservative_bcr"`
}

// ROIMetric is one monetised metric's benefit.
type ROIMetric struct {
	Metric         string   `json:"metric"`
	Title          string   `json:"title"`
	EffectPerEvent *float64 `json:"effect_per_event"`
	AnnualVolume   *float64 `json:"annual_volume"`
	ValuePerUnit   *float64 `json:"value_per_unit"`
	Benefit        *float64 `json:"benefit"`
	BenefitLow     *float64 `json:"benefit_low"`
	BenefitHigh    *float64 `json:"benefit_high"`
	BenefitBounds  string   `json:"benefit_bounds"`
	Level          string   `json:"level"`
}

// CostLine is one line of the fully loaded cost.
type CostLine struct {
	Line     string   `json:"line"`
	Quantity *float64 `json:"quantity"`
	UnitCost *float64 `json:"unit_cost"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency"`
}

// Caveat is one warning generated from the data.
type Caveat struct {
	Kind    string   `json:"kind"`
	Text    string   `json:"text"`
	Metrics []string `json:"metrics"`
}

// Data describes the data behind the report.
type Data struct {
	Sources  []Source         `json:"sources"`
	Counts   map[string]int64 `json:"counts"`
	Events   map[string]int64 `json:"events"`
	Identity Identity         `json:"identity"`
}

// Source is one source's records and freshness.
type Source struct {
	Source   string     `json:"source"`
	Records  int64      `json:"records"`
	LastSync *time.Time `json:"last_sync"`
	DataTo   *time.Time `json:"data_to"`
	Stale    bool       `json:"stale"`
}

// Identity is the identity match.
type Identity struct {
	Accounts  int      `json:"accounts"`
	Matched   int      `json:"matched"`
	MatchRate *float64 `json:"match_rate"`
}

func n(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func t(x time.Time) *time.Time {
	if x.IsZero() {
		return nil
	}
	u := x.UTC()
	return &u
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// New maps the report to its JSON document.
func New(r *report.Report) Document {
	d := Document{SchemaVersion: report.SchemaVersion, Title: r.Title, Period: r.Period, GeneratedAt: r.GeneratedAt.UTC(),
		DataCutoff: r.Cutoff.UTC(), AnalysisID: r.AnalysisID, Alpha: r.Alpha, ConfidenceLevel: 1 - r.Alpha, Unit: r.Unit,
		Control: r.Control, MinCell: r.MinCell, Summary: strs(r.Summary), Findings: []Finding{}, Caveats: []Caveat{}}
	if r.PreviousPeriod != "" {
		p := r.PreviousPeriod
		d.PreviousPeriod = &p
	}
	for _, f := range r.Findings {
		h := f.Headline
		jf := Finding{Metric: f.Metric, Family: f.Family, Title: f.Title, Kind: f.Kind, Better: f.Better, Unit: f.Unit,
			Method: h.Method, Scale: h.Scale, Estimate: n(h.Estimate), CILow: n(h.CILow), CIHigh: n(h.CIHigh),
			RelativeChange: n(h.Relative), RelativeCILow: n(h.RelLow), RelativeCIHigh: n(h.RelHigh), PValue: n(h.PValue),
			QValue: n(h.QValue), MDE: n(h.MDE), NTreated: h.NTreated, NControl: h.NControl, NEventsPre: h.NEventsPre,
			NEventsPost: h.NEventsPost, Verdict: string(f.Verdict), Change: f.Change, Sentence: f.Sentence, Flags: strs(h.Flags)}
		if h.Population != "" {
			p := h.Population
			jf.Population = &p
		}
		if b := f.BeforeAfter; b != nil && f.BeforeAfterSentence != "" {
			jf.BeforeAfter = &BeforeAfter{Scale: b.Scale, Estimate: n(b.Estimate), CILow: n(b.CILow), CIHigh: n(b.CIHigh),
				RelativeChange: n(b.Relative), RelativeCILow: n(b.RelLow), RelativeCIHigh: n(b.RelHigh),
				Sentence: f.BeforeAfterSentence, Flags: strs(b.Flags)}
		}
		if p := f.Previous; p != nil {
			jf.Previous = &Previous{Period: p.Period, RelativeChange: n(p.Relative), RelativeCILow: n(p.RelLow),
				RelativeCIHigh: n(p.RelHigh), Verdict: string(p.Verdict), Sentence: p.Sentence}
		}
		jf.RIPValue, jf.BreakdownMbar, jf.Sensitivity = n(f.RIPValue), n(f.Breakdown), f.SensitivityText
		if p := f.Pretrend; p != nil {
			jf.Pretrend = &Pretrend{Statistic: n(p.Stat), DF1: n(p.DF1), DF2: n(p.DF2), PValue: n(p.P), Note: p.Note, Text: f.PretrendText}
		}
		if i := f.ITT; i != nil {
			jf.ITT = &ITT{RelativeChange: n(i.Relative), RelativeCILow: n(i.RelLow), RelativeCIHigh: n(i.RelHigh), QValue: n(i.QValue),
				Verdict: string(f.ITTVerdict), Change: f.ITTChange}
		}
		d.Findings = append(d.Findings, jf)
	}
	ro := r.ROI
	d.ROI = ROI{Currency: ro.Currency, Metrics: []ROIMetric{}, Intangibles: strs(ro.Intangibles), CostLines: []CostLine{},
		Headline: ro.Headline, Sentences: strs(ro.Sentences)}
	if ro.Available {
		d.ROI.Total = &ROITotal{Benefit: n(ro.Benefit), BenefitCILow: n(ro.BenefitCILow), BenefitCIHigh: n(ro.BenefitCIHigh),
			BenefitConservative: n(ro.BenefitConservative), Cost: n(ro.Cost), NetBenefit: n(ro.NetBenefit), ROIPct: n(ro.ROIPct),
			ROICILow: n(ro.ROICILow), ROICIHigh: n(ro.ROICIHigh), BCR: n(ro.BCR), BCRCILow: n(ro.BCRCILow), BCRCIHigh: n(ro.BCRCIHigh),
			ConservativeROIPct: n(ro.ConservativeROIPct), ConservativeBCR: n(ro.ConservativeBCR)}
	}
	for _, m := range ro.Metrics {
		d.ROI.Metrics = append(d.ROI.Metrics, ROIMetric{Metric: m.Metric, Title: m.Title, EffectPerEvent: n(m.EffectPerEvent),
			AnnualVolume: n(m.AnnualVolume), ValuePerUnit: n(m.ValuePerUnit), Benefit: n(m.Benefit), BenefitLow: n(m.BenefitLow),
			BenefitHigh: n(m.BenefitHigh), BenefitBounds: m.BenefitBounds, Level: m.Level})
	}
	for _, c := range ro.CostLines {
		d.ROI.CostLines = append(d.ROI.CostLines, CostLine{Line: c.Line, Quantity: n(c.Quantity), UnitCost: n(c.UnitCost),
			Amount: n(c.Amount), Currency: c.Currency})
	}
	for _, c := range r.Caveats {
		d.Caveats = append(d.Caveats, Caveat{Kind: c.Kind, Text: c.Text, Metrics: strs(c.Metrics)})
	}
	d.Data = Data{Sources: []Source{}, Counts: map[string]int64{}, Events: map[string]int64{},
		Identity: Identity{Accounts: r.Data.Accounts, Matched: r.Data.AccountsMatched, MatchRate: n(r.Data.MatchRate)}}
	for _, s := range r.Data.Sources {
		d.Data.Sources = append(d.Data.Sources, Source{Source: s.Source, Records: s.Records, LastSync: t(s.LastSync), DataTo: t(s.DataTo), Stale: s.Stale})
	}
	for _, c := range r.Data.Tables {
		d.Data.Counts[c.Name] = c.Count
	}
	for _, c := range r.Data.Events {
		d.Data.Events[c.Name] = c.Count
	}
	return d
}

// Render writes the report as indented JSON to w.
func Render(ctx context.Context, w io.Writer, r *report.Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(New(r)); err != nil {
		return fmt.Errorf("jsonout: %w", err)
	}
	return nil
}
