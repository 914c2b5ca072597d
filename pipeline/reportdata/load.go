// Package reportdata builds the quarterly report from the published warehouse and renders it: Load
// reads a period's estimates, ROI, exposure and data counts (read-only, external access off,
// through pipeline/store, the only DuckDB opener) into a report.Input; Render builds the report
// and writes every configured format. Columns are read by name, so columns that a later analysis
// adds (relative bounds, populations, pre-trend tests, ROI intervals, roi_costs) are picked up
// when present and not required.
package reportdata

import (
	"bufio"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/freshness"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/report"
)

//go:embed sql/*.sql reproduce.tsv
var files embed.FS

// ErrNoEstimates reports a warehouse without estimates for the period asked (or none at all).
var ErrNoEstimates = errors.New("reportdata: no estimates")

func query(name string) string {
	b, err := files.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("reportdata: missing embedded sql/" + name + ".sql")
	}
	return string(b)
}

// Load reads everything the report of period shows ("" = the period of the latest analysis) from
// st (the warehouse, or run's working database), with cfg's analysis and ROI settings; now stamps the report.
func Load(ctx context.Context, st *store.Store, cfg *config.Config, period string, now time.Time) (*report.Input, error) {
	db := st.DB()
	if period == "" {
		err := db.QueryRowContext(ctx, query("latest_period")).Scan(&period)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w in %s: run `trainimpact analyze` first", ErrNoEstimates, st.Path())
		}
		if err != nil {
			return nil, fmt.Errorf("reportdata: latest period: %w", err)
		}
	}
	q, err := analyze.ParseQuarter(period)
	if err != nil {
		return nil, err
	}
	in := &report.Input{Title: cfg.Report.Title, Period: period, GeneratedAt: now.UTC(), Alpha: cfg.Analysis.Alpha,
		MinCell: cfg.Analysis.MinCell, WashoutDays: cfg.Analysis.WashoutDays, Unit: cfg.Analysis.Unit, Control: cfg.Analysis.Control, Currency: cfg.ROI.Currency}
	var computed time.Time
	err = db.QueryRowContext(ctx, query("analysis"), period).Scan(&in.AnalysisID, &computed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w for %s in %s: run `trainimpact analyze --period %s` first", ErrNoEstimates, period, st.Path(), period)
	}
	if err != nil {
		return nil, fmt.Errorf("reportdata: analysis of %s: %w", period, err)
	}
	in.Cutoff = q.End()
	if computed.Before(in.Cutoff) {
		in.Cutoff = computed.UTC()
	}

	cat, err := queries.Default()
	if err != nil {
		return nil, err
	}
	for _, m := range cat.Metrics {
		in.Metrics = append(in.Metrics, report.MetricInfo{Name: m.Name, Title: m.Title, Kind: string(m.Kind),
			Better: m.Better, Unit: m.Unit, Family: m.Family})
	}
	if in.Estimates, err = readEstimates(ctx, db, query("estimates"), period); err != nil {
		return nil, err
	}
	var prev sql.NullString
	if err := db.QueryRowContext(ctx, query("previous_period"), period).Scan(&prev); err != nil {
		return nil, fmt.Errorf("reportdata: previous period: %w", err)
	}
	if prev.Valid {
		in.PreviousPeriod = prev.String
		if in.Previous, err = readEstimates(ctx, db, query("headline"), prev.String); err != nil {
			return nil, err
		}
	}
	if in.ROI, err = readROI(ctx, db, period); err != nil {
		return nil, err
	}
	if in.CostLines, err = readCosts(ctx, db, period); err != nil {
		return nil, err
	}
	if in.Exposure, err = readExposure(ctx, db, cfg.Analysis.Unit); err != nil {
		return nil, err
	}
	if in.Distributions, err = readDistributions(ctx, db, cat, cfg, in.Cutoff, in.Estimates); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// The charts of durations are not worth the whole report: say what is missing.
		in.Distributions = nil
		in.Problems = append(in.Problems, fmt.Sprintf("The before/after distributions of durations could not be read from this warehouse (%v).", err))
	}
	if in.Recorded, err = readRecorded(ctx, db, period); err != nil {
		return nil, err
	}
	if in.Data, err = readData(ctx, db, in.Recorded); err != nil {
		return nil, err
	}
	in.Config = configEntries(cfg)
	in.Reproduce = reproductions(period)
	return in, nil
}

// record is one row read by column name.
type record map[string]any

func readRecords(ctx context.Context, db *sql.DB, q string, args ...any) ([]record, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []record
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(record, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// f returns a numeric column as float64; NaN when absent or NULL.
func (r record) f(name string) float64 {
	switch v := r[name].(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int64:
		return float64(v)
	case int32:
		return float64(v)
	case int:
		return float64(v)
	case int16:
		return float64(v)
	case int8:
		return float64(v)
	case uint64:
		return float64(v)
	case uint32:
		return float64(v)
	}
	return math.NaN()
}

func (r record) i(name string) int64 {
	v := r.f(name)
	if math.IsNaN(v) {
		return 0
	}
	return int64(v)
}

func (r record) s(name string) string {
	switch v := r[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	default: // a column another analysis writes as a number (e.g. roi.level)
		return fmt.Sprint(v)
	}
}

func (r record) b(name string) bool {
	v, _ := r[name].(bool)
	return v
}

func (r record) t(name string) time.Time {
	v, _ := r[name].(time.Time)
	return v
}

func (r record) strs(name string) []string {
	switch v := r[name].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func readEstimates(ctx context.Context, db *sql.DB, q, period string) ([]report.EstimateRow, error) {
	recs, err := readRecords(ctx, db, q, period)
	if err != nil {
		return nil, fmt.Errorf("reportdata: estimates of %s: %w", period, err)
	}
	out := make([]report.EstimateRow, 0, len(recs))
	for _, r := range recs {
		e := report.EstimateRow{Metric: r.s("metric"), RelLowCol: r.f("relative_ci_low"), RelHighCol: r.f("relative_ci_high"),
			RIPValue: r.f("ri_p_value"), Breakdown: r.f("breakdown_mbar")}
		if _, ok := r["rel_period"]; ok && !math.IsNaN(r.f("rel_period")) {
			p := int(r.i("rel_period"))
			e.RelPeriod = &p
		}
		e.Effect = report.Effect{Method: r.s("method"), Aggregation: r.s("aggregation"), Scale: r.s("scale"),
			Estimate: r.f("estimate"), CILow: r.f("ci_low"), CIHigh: r.f("ci_high"), Relative: r.f("relative_change"),
			PValue: r.f("p_value"), QValue: r.f("q_value"), NTreated: int(r.i("n_treated_units")), NControl: int(r.i("n_control_units")),
			NEventsPre: r.i("n_events_pre"), NEventsPost: r.i("n_events_post"), MDE: r.f("mde"), Flags: r.strs("flags"),
			Population: r.s("population")}
		if h, ok := r["headline"].(bool); ok {
			e.Headline = &h
		}
		e.Outcome = r.s("outcome")
		if _, ok := r["pretrend_p"]; ok && (!math.IsNaN(r.f("pretrend_stat")) || r.s("pretrend_note") != "") {
			e.Pretrend = &report.Pretrend{Stat: r.f("pretrend_stat"), DF1: r.f("pretrend_df1"), DF2: r.f("pretrend_df2"),
				P: r.f("pretrend_p"), Note: r.s("pretrend_note")}
		}
		out = append(out, e)
	}
	return out, nil
}

func readROI(ctx context.Context, db *sql.DB, period string) ([]report.ROIRow, error) {
	recs, err := readRecords(ctx, db, query("roi"), period)
	if err != nil {
		return nil, fmt.Errorf("reportdata: roi of %s: %w", period, err)
	}
	out := make([]report.ROIRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, report.ROIRow{Metric: r.s("metric"), Monetised: r.b("monetised"),
			EffectPerEvent: r.f("effect_per_event"), AnnualVolume: r.f("annual_volume"), ValuePerUnit: r.f("value_per_unit"),
			Benefit: r.f("benefit"), BenefitLow: r.f("benefit_low"), BenefitHigh: r.f("benefit_high"),
			BenefitCILow: r.f("benefit_ci_low"), BenefitCIHigh: r.f("benefit_ci_high"),
			NetBenefit: r.f("net_benefit"), NetBenefitCILow: r.f("net_benefit_ci_low"), NetBenefitCIHigh: r.f("net_benefit_ci_high"),
			Cost: r.f("cost"), ROIPct: r.f("roi_pct"), ROIPctLow: r.f("roi_pct_low"),
			ROICILow: r.f("roi_pct_ci_low"), ROICIHigh: r.f("roi_pct_ci_high"),
			BCR: r.f("bcr"), BCRLow: r.f("bcr_low"), BCRCILow: r.f("bcr_ci_low"), BCRCIHigh: r.f("bcr_ci_high"),
			ConservativeROIPct: r.f("conservative_roi_pct"), ConservativeBCR: r.f("conservative_bcr"),
			Level: r.s("level"), Currency: r.s("currency")})
	}
	return out, nil
}

func tableExists(ctx context.Context, db *sql.DB, name string) (bool, error) {
	var ok bool
	if err := db.QueryRowContext(ctx, query("table_exists"), name).Scan(&ok); err != nil {
		return false, fmt.Errorf("reportdata: look for table %s: %w", name, err)
	}
	return ok, nil
}

func readCosts(ctx context.Context, db *sql.DB, period string) ([]report.CostLine, error) {
	ok, err := tableExists(ctx, db, "roi_costs")
	if err != nil || !ok {
		return nil, err
	}
	recs, err := readRecords(ctx, db, query("roi_costs"), period)
	if err != nil {
		return nil, fmt.Errorf("reportdata: roi_costs of %s: %w", period, err)
	}
	var out []report.CostLine
	for _, r := range recs {
		out = append(out, report.CostLine{Line: r.s("line"), Quantity: r.f("quantity"), UnitCost: r.f("unit_cost"),
			Amount: r.f("amount"), Currency: r.s("currency")})
	}
	return out, nil
}

func readExposure(ctx context.Context, db *sql.DB, unit string) ([]report.ExposureRow, error) {
	recs, err := readRecords(ctx, db, query("exposure"), unit)
	if err != nil {
		return nil, fmt.Errorf("reportdata: exposure: %w", err)
	}
	out := make([]report.ExposureRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, report.ExposureRow{Status: r.s("status"), TreatedAt: r.t("treated_at"), Program: r.s("program"), Team: r.s("team")})
	}
	return out, nil
}

// readDistributions samples, for every duration metric whose headline is shown, the known
// durations of the treated units before and after training.
func readDistributions(ctx context.Context, db *sql.DB, cat *queries.Catalog, cfg *config.Config, cutoff time.Time,
	est []report.EstimateRow) (map[string][2][]float64, error) {
	shown := map[string]bool{}
	for _, e := range est {
		if e.Method == "did" && e.Aggregation == "simple" && !math.IsNaN(e.Estimate) {
			shown[e.Metric] = true
		}
	}
	out := map[string][2][]float64{}
	a := cfg.Analysis
	for _, m := range cat.Metrics {
		if m.Kind != queries.KindDuration || !shown[m.Name] {
			continue
		}
		var d [2][]float64
		for i, win := range []string{"pre", "post"} {
			rows, err := db.QueryContext(ctx, query("distribution"), a.Unit, cutoff, a.PreDays, a.WashoutDays, a.PostDays,
				a.Dropouts != "intention_to_treat", m.Name, win)
			if err != nil {
				return nil, fmt.Errorf("reportdata: durations of %s: %w", m.Name, err)
			}
			for rows.Next() {
				var v float64
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return nil, fmt.Errorf("reportdata: durations of %s: %w", m.Name, err)
				}
				d[i] = append(d[i], v)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, fmt.Errorf("reportdata: durations of %s: %w", m.Name, err)
			}
			sort.Float64s(d[i])
		}
		out[m.Name] = d
	}
	return out, nil
}

// readRecorded reads the caveats the analysis recorded for period (stale and missing sources),
// when the warehouse has the table.
func readRecorded(ctx context.Context, db *sql.DB, period string) ([]report.Caveat, error) {
	ok, err := tableExists(ctx, db, "caveats")
	if err != nil || !ok {
		return nil, err
	}
	cs, err := freshness.Read(ctx, db, period)
	if err != nil {
		return nil, fmt.Errorf("reportdata: %w", err)
	}
	out := make([]report.Caveat, 0, len(cs))
	for _, c := range cs {
		out = append(out, report.Caveat{Kind: c.Kind, Text: c.Detail, Sources: []string{c.Source}})
	}
	return out, nil
}

// readData counts what the report rests on; a source is stale when the analysis recorded it stale
// or missing (recorded).
func readData(ctx context.Context, db *sql.DB, recorded []report.Caveat) (report.Data, error) {
	var d report.Data
	recs, err := readRecords(ctx, db, query("sources"))
	if err != nil {
		return d, fmt.Errorf("reportdata: sources: %w", err)
	}
	for _, r := range recs {
		s := report.SourceData{Source: r.s("source"), Records: r.i("records"), LastSync: r.t("last_sync"), DataTo: r.t("data_to")}
		for _, c := range recorded {
			s.Stale = s.Stale || slices.Contains(c.Sources, s.Source)
		}
		d.Sources = append(d.Sources, s)
	}
	if recs, err = readRecords(ctx, db, query("tables")); err != nil {
		return d, fmt.Errorf("reportdata: table counts: %w", err)
	}
	for _, r := range recs {
		d.Tables = append(d.Tables, report.TableCount{Name: r.s("name"), Count: r.i("n")})
	}
	if recs, err = readRecords(ctx, db, query("events")); err != nil {
		return d, fmt.Errorf("reportdata: metric events: %w", err)
	}
	for _, r := range recs {
		d.Events = append(d.Events, report.TableCount{Name: r.s("metric"), Count: r.i("n")})
	}
	var accounts, matched int64
	if err := db.QueryRowContext(ctx, query("identity")).Scan(&accounts, &matched); err != nil {
		return d, fmt.Errorf("reportdata: identity coverage: %w", err)
	}
	d.Accounts, d.AccountsMatched = int(accounts), int(matched)
	d.MatchRate = math.NaN()
	if accounts > 0 {
		d.MatchRate = float64(matched) / float64(accounts)
	}
	return d, nil
}

// configEntries lists the configuration the report used, without secrets or local paths: a
// source's address is shown as its host, a file by its name.
func configEntries(cfg *config.Config) []report.ConfigEntry {
	var out []report.ConfigEntry
	add := func(k string, v any) { out = append(out, report.ConfigEntry{Key: k, Value: fmt.Sprint(v)}) }
	add("warehouse", filepath.Base(cfg.Warehouse))
	for _, name := range cfg.SourceNames() {
		host := "configured"
		var fields struct{ BaseURL string }
		if b, err := json.Marshal(cfg.Sources[name]); err == nil && json.Unmarshal(b, &fields) == nil {
			if u, err := url.Parse(fields.BaseURL); err == nil && u.Host != "" {
				host = u.Host
			}
		}
		add("sources."+name, host)
	}
	add("people.pseudonymize", cfg.People.Pseudonymize)
	a := cfg.Analysis
	add("analysis.unit", a.Unit)
	add("analysis.period", a.Period)
	add("analysis.control", a.Control)
	add("analysis.pre_days", a.PreDays)
	add("analysis.post_days", a.PostDays)
	add("analysis.washout_days", a.WashoutDays)
	add("analysis.anticipation", a.Anticipation)
	add("analysis.bootstrap", a.Bootstrap)
	add("analysis.alpha", a.Alpha)
	add("analysis.min_cell", a.MinCell)
	add("analysis.seed", a.Seed)
	add("analysis.dropouts", a.Dropouts)
	add("analysis.max_censored", a.MaxCensored)
	add("roi.currency", cfg.ROI.Currency)
	add("roi.costs.per_participant", cfg.ROI.Costs.PerParticipant)
	add("roi.costs.fixed", cfg.ROI.Costs.Fixed)
	keys := make([]string, 0, len(cfg.ROI.Values))
	for k := range cfg.ROI.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("roi.values."+k, cfg.ROI.Values[k])
	}
	add("report.page_size", cfg.Report.PageSize)
	return out
}

// reproductions are the `trainimpact sql` commands that reproduce the report's numbers.
func reproductions(period string) []report.Reproduction {
	b, err := files.ReadFile("reproduce.tsv")
	if err != nil {
		panic("reportdata: missing embedded reproduce.tsv")
	}
	var out []report.Reproduction
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		what, q, ok := strings.Cut(line, "\t")
		if !ok {
			panic("reportdata: reproduce.tsv: line without a tab: " + line)
		}
		out = append(out, report.Reproduction{What: what,
			Command: `trainimpact sql "` + strings.ReplaceAll(q, "{period}", period) + `"`})
	}
	return out
}
