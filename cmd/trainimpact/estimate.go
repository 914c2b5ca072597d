package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// EstimateOptions are the flags of `trainimpact estimate`.
type EstimateOptions struct {
	Panel, SQL                 string
	Unit, Time, Outcome, Group string
	Control                    string
	Format                     string
	Bootstrap, Anticipation    int
	Alpha                      float64
	Seed                       uint64
	Work                       bool
	File                       string
}

func newCmdEstimate(f *Factory) *cobra.Command {
	opts := &EstimateOptions{}
	cmd := &cobra.Command{
		Use:   "estimate",
		Short: "Run the staggered DiD engine on any unit × period panel",
		Long: `estimate runs the Callaway–Sant'Anna difference-in-differences engine of analyze on a panel
you bring: a CSV file (--panel) or a query on the published warehouse (--sql). Name the columns
holding the unit id, the integer period, the outcome and the unit's first treated period
(0 = never treated). It prints the simple, dynamic (event study) and group aggregations with
analytic and multiplier-bootstrap standard errors, the event-time and per-cohort effects, and the
pre-trend Wald test. Intervals and p-values use the normal reference, as R's did package does;
analyze's estimates table refers them to Student's t with degrees of freedom from the number of
treated units per cohort, which keeps them honest when cohorts hold only a few teams.`,
		Example: `  # R did's minimum-wage example
  $ trainimpact estimate --panel mpdta.csv --unit countyreal --time year --outcome lemp --group first.treat --control never

  # A panel straight from the warehouse, as JSON
  $ trainimpact estimate --sql "select team_id, month, y, g from my_panel" --unit team_id --time month --outcome y --group g --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.Panel == "") == (opts.SQL == "") {
				return flagErrorf("give exactly one of --panel FILE.csv or --sql QUERY")
			}
			for name, v := range map[string]string{"--unit": opts.Unit, "--time": opts.Time, "--outcome": opts.Outcome, "--group": opts.Group} {
				if v == "" {
					return flagErrorf("%s is required: the name of that column", name)
				}
			}
			if opts.Control != "never" && opts.Control != "notyet" {
				return flagErrorf("--control %q: want never or notyet", opts.Control)
			}
			if opts.Format != "table" && opts.Format != "json" {
				return flagErrorf("--format %q: want table or json", opts.Format)
			}
			if opts.Bootstrap < 0 || !(opts.Alpha > 0 && opts.Alpha < 0.5) || opts.Anticipation < 0 {
				return flagErrorf("--bootstrap and --anticipation must be 0 or more, --alpha between 0 and 0.5")
			}
			cols := analyze.PanelColumns{Unit: opts.Unit, Time: opts.Time, Outcome: opts.Outcome, Group: opts.Group}
			var panel *analyze.PanelData
			var err error
			if opts.Panel != "" {
				fh, err := os.Open(opts.Panel)
				if err != nil {
					return UsageError(fmt.Errorf("estimate: %w", err))
				}
				panel, err = analyze.ReadPanelCSV(fh, cols)
				fh.Close()
				if err != nil {
					return UsageError(fmt.Errorf("estimate: %s: %w", opts.Panel, err))
				}
			} else {
				st, err := f.openReadOnly(cmd, opts.File, opts.Work)
				if err != nil {
					return err
				}
				defer st.Close()
				rows, err := st.DB().QueryContext(cmd.Context(), opts.SQL)
				if err != nil {
					return UsageError(fmt.Errorf("estimate: %w", err))
				}
				panel, err = analyze.ReadPanelRows(rows, cols)
				rows.Close()
				if err != nil {
					return UsageError(fmt.Errorf("estimate: %w", err))
				}
			}
			res, err := analyze.EstimateDiD(panel, analyze.DiDOptions{NotYetTreated: opts.Control == "notyet",
				Anticipation: opts.Anticipation, Bootstrap: opts.Bootstrap, Alpha: opts.Alpha, Seed: opts.Seed})
			if err != nil {
				if errors.Is(err, stats.ErrInvalidPanel) || errors.Is(err, stats.ErrNoTreated) || errors.Is(err, stats.ErrNoControls) ||
					errors.Is(err, stats.ErrTooFewPeriods) || errors.Is(err, stats.ErrEmptyCell) {
					return UsageError(fmt.Errorf("estimate: %w", err))
				}
				return err
			}
			rep := analyze.Summarize(res)
			rep.Cells = panel.Len()
			if opts.Format == "json" {
				return writeEstimateJSON(f.IO.Out, rep)
			}
			return writeEstimateTable(f.IO.Out, rep)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Panel, "panel", "", "CSV file with a header line holding the panel")
	fl.StringVar(&opts.SQL, "sql", "", "query on the published warehouse returning the panel")
	fl.StringVar(&opts.Unit, "unit", "", "column with the unit id")
	fl.StringVar(&opts.Time, "time", "", "column with the integer period (consecutive integers)")
	fl.StringVar(&opts.Outcome, "outcome", "", "column with the outcome")
	fl.StringVar(&opts.Group, "group", "", "column with the unit's first treated period (0 = never treated)")
	fl.StringVar(&opts.Control, "control", "notyet", "comparison units: never (never treated) or notyet (not yet treated)")
	fl.StringVarP(&opts.Format, "format", "f", "table", "output format: table or json")
	fl.IntVar(&opts.Bootstrap, "bootstrap", 999, "multiplier bootstrap draws (0 = analytic standard errors only)")
	fl.IntVar(&opts.Anticipation, "anticipation", 0, "periods before treatment in which units may already react")
	fl.Float64Var(&opts.Alpha, "alpha", 0.05, "significance level of the intervals")
	fl.Uint64Var(&opts.Seed, "seed", 1, "random seed of the bootstrap")
	fl.BoolVar(&opts.Work, "work", false, "with --sql: read the working database instead of the published warehouse")
	fl.StringVar(&opts.File, "db", "", "with --sql: DuckDB file to read (default: the configured warehouse)")
	return cmd
}

// jsonFloat renders NaN and ±Inf as null.
type jsonFloat float64

func (v jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(v))
}

func writeEstimateJSON(w io.Writer, rep *analyze.Report) error {
	type row struct {
		Aggregation string    `json:"aggregation"`
		Key         *int      `json:"key,omitempty"`
		Estimate    jsonFloat `json:"estimate"`
		SE          jsonFloat `json:"std_error"`
		BootSE      jsonFloat `json:"bootstrap_std_error"`
		CILow       jsonFloat `json:"ci_low"`
		CIHigh      jsonFloat `json:"ci_high"`
		PValue      jsonFloat `json:"p_value"`
	}
	type pre struct {
		W  jsonFloat `json:"w"`
		DF int       `json:"df"`
		P  jsonFloat `json:"p_value"`
	}
	out := struct {
		Units    int     `json:"units"`
		Cells    int     `json:"cells"`
		Treated  int     `json:"treated_units"`
		Control  int     `json:"comparison_units"`
		Alpha    float64 `json:"alpha"`
		Rows     []row   `json:"estimates"`
		PreTrend *pre    `json:"pretrend_test"`
	}{Units: rep.Units, Cells: rep.Cells, Treated: rep.NTreated, Control: rep.NControl, Alpha: rep.Alpha}
	for _, r := range rep.Rows {
		out.Rows = append(out.Rows, row{r.Aggregation, r.Key, jsonFloat(r.Estimate), jsonFloat(r.SE), jsonFloat(r.BootSE),
			jsonFloat(r.CILow), jsonFloat(r.CIHigh), jsonFloat(r.PValue)})
	}
	if rep.PreTrend != nil {
		out.PreTrend = &pre{jsonFloat(rep.PreTrend.W), rep.PreTrend.DF, jsonFloat(rep.PreTrend.P)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeEstimateTable(w io.Writer, rep *analyze.Report) error {
	fmt.Fprintf(w, "%d units (%d treated, %d comparison), %d cells; %.0f%% intervals\n\n", rep.Units, rep.NTreated, rep.NControl, rep.Cells, 100*(1-rep.Alpha))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "aggregation\tkey\testimate\tstd.error\tboot.se\tci.low\tci.high\tp\t")
	for _, r := range rep.Rows {
		key := ""
		if r.Key != nil {
			key = fmt.Sprint(*r.Key)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.4f\t\n", r.Aggregation, key, r.Estimate, r.SE, r.BootSE, r.CILow, r.CIHigh, r.PValue)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if rep.PreTrend != nil {
		fmt.Fprintf(w, "\npre-trend test: W = %.6f on %d df, p = %.5f\n", rep.PreTrend.W, rep.PreTrend.DF, rep.PreTrend.P)
	} else {
		fmt.Fprintln(w, "\npre-trend test: not defined (no testable pre-treatment cell)")
	}
	return nil
}
