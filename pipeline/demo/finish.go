package demo

import (
	"context"
	"fmt"
	"math"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// Finding is one metric's headline: the DiD estimate beside the naive before/after and the truth.
type Finding struct {
	Metric string
	// DiD is the headline estimate (method did, aggregation simple); NaN fields when it could not
	// be estimated.
	DiD models.Estimate
	// Naive is the before/after estimate within the treated.
	Naive models.Estimate
	// Planted is the planted relative effect, NaN when the simulator plants none for the metric.
	Planted float64
}

// finish imports the people files, refreshes identities, exposure and views, and analyses the
// last full quarter before the simulator's now.
func finish(ctx context.Context, s *workspace.Session, cfg *config.Config, srv *simulate.Server, res *Result, step func(string)) error {
	now := srv.Now()
	step("importing teams.csv, cohorts.csv, identities.csv, assessments.csv and surveys.csv")
	// As `trainimpact import` does: the outcome files are validated before anything is written.
	iopts := people.ImportOptions{Today: now}
	outcomes := []people.File{{Kind: people.KindAssessments, Path: cfg.People.Assessments}, {Kind: people.KindSurveys, Path: cfg.People.Surveys}}
	if err := people.ValidateOutcomes(outcomes, iopts); err != nil {
		return err
	}
	if _, err := refresh.ImportConfigured(ctx, s.Store, cfg, iopts); err != nil {
		return err
	}
	if _, err := people.ImportOutcomes(ctx, s.Store, outcomes, iopts); err != nil {
		return err
	}
	step("resolving identities and exposure")
	sum, err := refresh.Derived(ctx, s.Store, cfg, now)
	if err != nil {
		return err
	}
	res.Identity = sum.Identity
	q := analyze.LastFullQuarter(now)
	res.Period = q.String()
	step(fmt.Sprintf("analysing %s (metrics, difference-in-differences, before/after, ROI)", res.Period))
	ar, err := analyze.Run(ctx, s.Store, cfg, res.Period, now)
	if err != nil {
		return err
	}
	res.Analysis = ar
	res.Findings = findings(ar, res)
	return nil
}

func findings(ar *analyze.Result, res *Result) []Finding {
	planted := map[string]float64{}
	for _, e := range res.Truth.Effects {
		planted[e.Metric] = e.Relative
	}
	var out []Finding
	for _, h := range ar.Headline {
		f := Finding{Metric: h.Metric, DiD: h, Planted: math.NaN()}
		if v, ok := planted[h.Metric]; ok {
			f.Planted = v
		}
		for _, e := range ar.Estimates {
			if e.Metric == h.Metric && e.Method == analyze.MethodBeforeAfter {
				f.Naive = e
			}
		}
		out = append(out, f)
	}
	return out
}

// RelativeInterval returns an estimate's interval as relative changes, the scale of Planted:
// exp(bound) − 1 on the log scale; for shares and rates the bound over the treated units' untrained
// level (RelativeChange / Estimate). NaN when there is no interval or no level.
func RelativeInterval(e models.Estimate) (lo, hi float64) {
	if math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) {
		return math.NaN(), math.NaN()
	}
	if e.Scale == "log" {
		return math.Expm1(e.CILow), math.Expm1(e.CIHigh)
	}
	if math.IsNaN(e.RelativeChange) || e.Estimate == 0 {
		return math.NaN(), math.NaN()
	}
	k := e.RelativeChange / e.Estimate
	return e.CILow * k, e.CIHigh * k
}
