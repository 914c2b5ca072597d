package plan

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/planreport"
)

// FromWarehouse runs Run on the warehouse file at path, opened read-only with external access off
// (as the report opens it): it never blocks or changes the pipeline's files.
func FromWarehouse(ctx context.Context, path string, o RunOptions) (*Plan, error) {
	st, err := store.OpenReadOnlyLocked(ctx, path)
	if err != nil {
		return nil, err
	}
	p, err := Run(ctx, st.DB(), o)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("plan: close %s: %w", path, cerr)
	}
	return p, err
}

// Input converts the plan for reports/planreport: warehouse is the file read (only its base name
// is kept), command the command line that reproduces the plan.
func (p *Plan) Input(now time.Time, warehouse, command string) planreport.Input {
	control := "never_treated"
	if p.NotYetTreated {
		control = "not_yet_treated"
	}
	in := planreport.Input{GeneratedAt: now.UTC(), Warehouse: filepath.Base(warehouse), Cutoff: p.Cutoff,
		HistoryStart: p.HistoryStart, HistoryEnd: p.HistoryEnd, Period: p.PeriodKind, WashoutDays: p.WashoutDays,
		Control: control, Started: p.Started, TrainedCut: p.TrainedCut, Dropouts: p.Dropouts, Eligible: len(p.Eligible),
		Alpha: p.Alpha, Power: p.Power, Placebos: p.Placebos, Seed: p.Seed, Quarters: p.Design.Quarters, Command: command}
	for k, c := range p.Design.Cohorts {
		pc := planreport.Cohort{Name: c.Name, Start: c.Start}
		if k < len(p.Order) {
			for _, t := range p.Order[k] {
				pc.Teams = append(pc.Teams, planreport.Team{ID: t.ID, Name: t.Name})
			}
		}
		in.Cohorts = append(in.Cohorts, pc)
	}
	nan := math.NaN()
	for _, m := range p.Metrics {
		row := planreport.Metric{Name: m.Metric.Name, Title: m.Metric.Title, Unit: m.Metric.Unit, Better: m.Metric.Better,
			Scale: m.Scale, MDE: nan, Low: nan, High: nan, NullSD: nan, Teams: m.Teams,
			Placebos: m.Result.Placebos, Failed: m.Result.Failed, Periods: m.Periods}
		if m.Err == nil {
			row.MDE, row.Low, row.High, row.NullSD = m.Result.MDE, m.Result.Low, m.Result.High, m.Result.NullSD
		} else {
			row.Note = strings.TrimPrefix(m.Err.Error(), "plan: ")
		}
		if in.Distinct == 0 || (m.Distinct > 0 && m.Distinct < in.Distinct) {
			in.Distinct, in.Pool = m.Distinct, m.Pool
		}
		in.Metrics = append(in.Metrics, row)
	}
	if p.ChartMetric != "" {
		var info planreport.Metric
		for _, m := range in.Metrics {
			if m.Name == p.ChartMetric {
				info = m
			}
		}
		g := &planreport.Grid{Metric: info}
		for _, gp := range p.Grid {
			pt := planreport.GridPoint{Teams: gp.Teams, Quarters: gp.Quarters, MDE: nan, Low: nan, High: nan}
			if gp.Err == nil {
				pt.MDE, pt.Low, pt.High = gp.Result.MDE, gp.Result.Low, gp.Result.High
			}
			g.Points = append(g.Points, pt)
		}
		in.Chart = g
	}
	return in
}
