package analyze

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/exposure"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// The simulator's outcome files import cleanly, and the paired comparison recovers the planted
// assessment gain: its interval covers +0.10 and excludes 0 with the default effects, and covers 0
// with none planted.
func TestPairedAssessmentsOnSimulatedOrg(t *testing.T) {
	for _, c := range []struct {
		name string
		e    org.OutcomeEffects
	}{{"planted", org.DefaultOutcomeEffects()}, {"none", org.OutcomeEffects{}}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			o := org.Generate(org.Params{Seed: 11, Size: org.Medium})
			dir := t.TempDir()
			write := func(name string, fn func(*bytes.Buffer) error) string {
				var b bytes.Buffer
				if err := fn(&b); err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			files := []people.File{
				{Kind: people.KindTeams, Path: write("teams.csv", func(b *bytes.Buffer) error { return o.WriteTeamsCSV(b, o.Now) })},
				{Kind: people.KindCohorts, Path: write("cohorts.csv", func(b *bytes.Buffer) error { return o.WriteCohortsCSV(b, o.Now) })},
			}
			outcomes := []people.File{
				{Kind: people.KindAssessments, Path: write("assessments.csv", func(b *bytes.Buffer) error { return o.WriteAssessmentsCSV(b, o.Now, c.e) })},
				{Kind: people.KindSurveys, Path: write("surveys.csv", func(b *bytes.Buffer) error { return o.WriteSurveysCSV(b, o.Now, c.e) })},
			}
			st, err := store.Open(ctx, filepath.Join(dir, "s.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			opts := people.ImportOptions{Now: o.Now, Today: o.Now}
			if _, err := people.ImportFiles(ctx, st, files, opts); err != nil {
				t.Fatal(err)
			}
			res, err := people.ImportOutcomes(ctx, st, outcomes, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Rows < 20 || res[1].Rows < 200 {
				t.Fatalf("simulated files too small: %d assessments, %d answers", res[0].Rows, res[1].Rows)
			}
			for _, r := range res {
				if len(r.Warnings) > 0 {
					t.Errorf("%s: warnings %v", r.Kind, r.Warnings)
				}
			}
			var pairs map[string][]metrics.AssessmentPair
			var engaged int
			err = st.Write(ctx, func(w *store.Writer) error {
				if err := queries.CreateViews(ctx, w); err != nil {
					return err
				}
				if pairs, err = metrics.AssessmentPairs(ctx, w, o.Now.Add(time.Hour)); err != nil {
					return err
				}
				return w.QueryRow(ctx, "SELECT count(*) FROM survey_responses WHERE kind = 'engagement'").Scan(&engaged)
			})
			if err != nil {
				t.Fatal(err)
			}
			rows := PairedAssessments(pairs, config.Default().Analysis)
			if len(rows) != 1 || rows[0].NTreatedUnits < 10 {
				t.Fatalf("rows %+v", rows)
			}
			r := rows[0]
			gain := c.e.AssessmentGain
			if !(r.CILow <= gain && gain <= r.CIHigh) {
				t.Errorf("interval [%.3f, %.3f] misses the planted %.2f (%d pairs)", r.CILow, r.CIHigh, gain, r.NTreatedUnits)
			}
			if gain > 0 && r.CILow <= 0 {
				t.Errorf("interval [%.3f, %.3f] does not exclude 0 with %d pairs", r.CILow, r.CIHigh, r.NTreatedUnits)
			}
			t.Logf("%d pairs: %.3f [%.3f, %.3f]; %d engagement answers", r.NTreatedUnits, r.Estimate, r.CILow, r.CIHigh, engaged)

			// The survey metrics through the engine: the DiD's headline interval covers the planted
			// change of the favourable share.
			if _, err := exposure.Write(ctx, st, "team", "exclude", o.Now); err != nil {
				t.Fatal(err)
			}
			full, err := queries.Default()
			if err != nil {
				t.Fatal(err)
			}
			cat := &queries.Catalog{Views: full.Views}
			for _, name := range []string{"engagement_score", "stakeholder_satisfaction"} {
				m, err := full.Metric(name)
				if err != nil {
					t.Fatal(err)
				}
				cat.Metrics = append(cat.Metrics, m)
			}
			// One pulse a quarter: with quarterly periods every period holds one; with the default
			// monthly periods two months in three have no cell for any team, and the DiD numbers
			// only the months with one (compactPeriods). Before it did, this organisation's
			// monthly DiD came out at -0.28 [-0.48, -0.09] with nothing planted.
			for _, period := range []string{"quarter", "month"} {
				cfg := config.Default()
				cfg.Analysis.Bootstrap = 0
				cfg.Analysis.Period = period
				q := LastFullQuarter(o.Now)
				var out *Result
				err = st.Write(ctx, func(w *store.Writer) error {
					if _, err := metrics.Derive(ctx, w, cat, q.End()); err != nil {
						return err
					}
					out, err = Compute(ctx, w, cat, cfg, q, q.End(), o.Now)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range out.Headline {
					want := map[string]float64{"engagement_score": c.e.Engagement, "stakeholder_satisfaction": c.e.Satisfaction}[h.Metric]
					t.Logf("%s by %s: %.3f [%.3f, %.3f] %d/%d teams %v", h.Metric, period, h.Estimate, h.CILow, h.CIHigh, h.NTreatedUnits, h.NControlUnits, h.Flags)
					if !(h.CILow <= want && want <= h.CIHigh) {
						t.Errorf("%s by %s: interval [%.3f, %.3f] misses the planted %.2f", h.Metric, period, h.CILow, h.CIHigh, want)
					}
				}
			}
		})
	}
}
