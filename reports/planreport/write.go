package planreport

import (
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
)

//go:embed plan.txt.tmpl
var txtTmpl string

//go:embed plan.md.tmpl
var mdTmpl string

var funcs = template.FuncMap{
	"plural":    plural,
	"trim":      trimFloat,
	"pct":       pctWhole,
	"md":        mdEscape,
	"teamNames": teamNames,
	"wrapItem":  func(s string) string { return "  - " + wrapText(s, 92, "    ") },
	"table":     textTable,
	"paras":     textParagraphs,
	"mdParas":   mdParagraphs,
}

// textParagraphs wraps the paragraphs for a terminal, a blank line between them; list items
// ("- …") follow each other without one.
func textParagraphs(ps []string) string {
	return joinParagraphs(ps, func(p string, item bool) string {
		if item {
			return wrapText(p, 96, "  ")
		}
		return wrapText(p, 96, "")
	})
}

// mdParagraphs writes the paragraphs as Markdown, escaped; list items stay one list.
func mdParagraphs(ps []string) string {
	return joinParagraphs(ps, func(p string, item bool) string {
		if item {
			return "- " + mdEscape(strings.TrimPrefix(p, "- "))
		}
		return mdEscape(p)
	})
}

// joinParagraphs writes each paragraph as render gives it, a blank line between paragraphs and a
// line break between consecutive list items ("- …").
func joinParagraphs(ps []string, render func(p string, item bool) string) string {
	var b strings.Builder
	for i, p := range ps {
		item := strings.HasPrefix(p, "- ")
		if i > 0 {
			b.WriteString("\n")
			if !item {
				b.WriteString("\n")
			}
		}
		b.WriteString(render(p, item))
	}
	return b.String()
}

var (
	txt = template.Must(template.New("txt").Funcs(funcs).Parse(txtTmpl))
	md  = template.Must(template.New("md").Funcs(funcs).Parse(mdTmpl))
)

// Text writes the plan for a terminal: the table, the sponsor's text, the notes and the order.
func Text(w io.Writer, r *Report) error {
	if err := txt.ExecuteTemplate(w, "plan", r); err != nil {
		return fmt.Errorf("planreport: text: %w", err)
	}
	return nil
}

// Markdown writes plan.md: the sponsor's text, the table, the chart (linked as mde.svg beside
// it), the notes and the order. Every value from the data is escaped.
func Markdown(w io.Writer, r *Report) error {
	if err := md.ExecuteTemplate(w, "plan", r); err != nil {
		return fmt.Errorf("planreport: markdown: %w", err)
	}
	return nil
}

// textTable lays out the rows as aligned columns.
func textTable(r *Report) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tscale\tMDE\tMonte Carlo interval\tDiD scale\tnull SD\tplacebos used/failed\tteams with data")
	for _, row := range r.Rows {
		amount := row.Amount()
		if row.Note != "" {
			amount = "not sized: " + row.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%d\n", row.Name, row.ScaleLabel, amount, row.Interval(), row.DiD(), row.SD(), row.Placebos, row.Failed, row.Teams)
	}
	tw.Flush()
	return b.String()
}

// teamNames lists the teams by name (their id when they have none).
func teamNames(ts []Team) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
		if out[i] == "" {
			out[i] = t.ID
		}
	}
	return strings.Join(out, ", ")
}

// mdEscape escapes the characters Markdown would read as markup, and line breaks.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrapText breaks s into lines of at most n runes at spaces; lines after the first start with indent.
func wrapText(s string, n int, indent string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > n {
			lines = append(lines, line)
			line = indent + w
			continue
		}
		if line == "" || line == indent {
			line += w
		} else {
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// OrderCSV writes order.csv: cohort, start_month, position, team_id, team — one line per team in
// the recommended order.
func OrderCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"cohort", "start_month", "position", "team_id", "team"}); err != nil {
		return fmt.Errorf("planreport: order: %w", err)
	}
	pos := 0
	for _, c := range r.Cohorts {
		for _, t := range c.Teams {
			pos++
			if err := cw.Write([]string{c.Name, c.Start.Format("2006-01"), strconv.Itoa(pos), t.ID, t.Name}); err != nil {
				return fmt.Errorf("planreport: order: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("planreport: order: %w", err)
	}
	return nil
}

// JSON field names of plan.json (stable).
type jsonPlan struct {
	Format      string       `json:"format"`
	GeneratedAt time.Time    `json:"generated_at"`
	Warehouse   string       `json:"warehouse"`
	Cutoff      time.Time    `json:"cutoff"`
	History     jsonHistory  `json:"history"`
	Alpha       float64      `json:"alpha"`
	Power       float64      `json:"power"`
	Placebos    int          `json:"placebos"`
	Seed        uint64       `json:"seed"`
	Quarters    int          `json:"quarters_observed"`
	Teams       int          `json:"teams"`
	Cohorts     []jsonCohort `json:"cohorts"`
	Metrics     []jsonMetric `json:"metrics"`
	Grid        *jsonGrid    `json:"grid,omitempty"`
	Text        []string     `json:"text"`
	Notes       []string     `json:"notes"`
	Command     string       `json:"command,omitempty"`
}

type jsonHistory struct {
	Start       string `json:"start"`
	End         string `json:"end"`
	Period      string `json:"period"`
	WashoutDays int    `json:"washout_days"`
	Control     string `json:"control"`
	Started     bool   `json:"program_started"`
	TrainedCut  int    `json:"teams_trained_before"`
	Dropouts    int    `json:"teams_dropped_out"`
	Eligible    int    `json:"teams_not_yet_trained"`
}

type jsonCohort struct {
	Cohort     string `json:"cohort"`
	StartMonth string `json:"start_month"`
	Teams      []Team `json:"teams"`
}

type jsonMetric struct {
	Metric        string   `json:"metric"`
	Title         string   `json:"title"`
	Unit          string   `json:"unit"`
	Better        string   `json:"better"`
	Scale         string   `json:"scale"`
	MDE           *float64 `json:"mde"`
	MDELow        *float64 `json:"mde_mc_low"`
	MDEHigh       *float64 `json:"mde_mc_high"`
	RelDecrease   *float64 `json:"relative_decrease,omitempty"`
	RelIncrease   *float64 `json:"relative_increase,omitempty"`
	NullSD        *float64 `json:"null_sd"`
	Placebos      int      `json:"placebos"`
	Failed        int      `json:"placebos_failed"`
	TeamsWithData int      `json:"teams_with_data"`
	Periods       int      `json:"history_periods"`
	Note          string   `json:"note,omitempty"`
}

type jsonGrid struct {
	Metric string          `json:"metric"`
	Scale  string          `json:"scale"`
	Points []jsonGridPoint `json:"points"`
}

type jsonGridPoint struct {
	Teams    int      `json:"teams"`
	Quarters int      `json:"quarters_observed"`
	MDE      *float64 `json:"mde"`
	Low      *float64 `json:"mde_mc_low"`
	High     *float64 `json:"mde_mc_high"`
}

func jnum(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// JSON writes plan.json (format "trainimpact-plan", field names stable; missing numbers null).
func JSON(w io.Writer, r *Report) error {
	j := jsonPlan{Format: "trainimpact-plan", GeneratedAt: r.GeneratedAt.UTC(), Warehouse: r.Warehouse, Cutoff: r.Cutoff.UTC(),
		History: jsonHistory{Start: r.HistoryStart.Format("2006-01"), End: r.HistoryEnd.AddDate(0, 0, -1).Format("2006-01"),
			Period: r.Period, WashoutDays: r.WashoutDays, Control: r.Control, Started: r.Started, TrainedCut: r.TrainedCut,
			Dropouts: r.Dropouts, Eligible: r.Eligible},
		Alpha: r.Alpha, Power: r.Power, Placebos: r.Placebos, Seed: r.Seed, Quarters: r.Quarters, Teams: r.Teams,
		Text: r.Text, Notes: r.Notes, Command: r.Command}
	for _, c := range r.Cohorts {
		j.Cohorts = append(j.Cohorts, jsonCohort{Cohort: c.Name, StartMonth: c.Start.Format("2006-01"), Teams: c.Teams})
	}
	for _, row := range r.Rows {
		j.Metrics = append(j.Metrics, jsonMetric{Metric: row.Name, Title: row.Title, Unit: row.Unit, Better: row.Better, Scale: row.Scale,
			MDE: jnum(row.MDE), MDELow: jnum(row.Low), MDEHigh: jnum(row.High), RelDecrease: jnum(row.Decrease), RelIncrease: jnum(row.Increase),
			NullSD: jnum(row.NullSD), Placebos: row.Placebos, Failed: row.Failed, TeamsWithData: row.Teams, Periods: row.Periods, Note: row.Note})
	}
	if g := r.Chart; g != nil {
		jg := &jsonGrid{Metric: g.Metric.Name, Scale: g.Metric.Scale}
		for _, p := range g.Points {
			jg.Points = append(jg.Points, jsonGridPoint{Teams: p.Teams, Quarters: p.Quarters, MDE: jnum(p.MDE), Low: jnum(p.Low), High: jnum(p.High)})
		}
		j.Grid = jg
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("planreport: json: %w", err)
	}
	return nil
}

// MDEChart draws the grid as an SVG chart (charts.MDEGrid) in the unit people read: the relative
// change in the metric's better direction in percent for durations, percentage points for shares,
// the metric's unit per event for rates. It returns charts.ErrNoData (wrapped) without a grid.
func MDEChart(r *Report) (charts.Chart, error) {
	g := r.Chart
	if g == nil {
		return charts.Chart{}, fmt.Errorf("planreport: no grid: %w", charts.ErrNoData)
	}
	m := g.Metric
	conv := func(v float64) float64 { return v }
	yLabel := fmt.Sprintf("Smallest detectable change (%s per event)", unitOr(m.Unit))
	switch m.Scale {
	case ScaleLog:
		if m.Better == "higher" {
			conv = func(v float64) float64 { return 100 * math.Expm1(v) }
			yLabel = "Smallest detectable increase (%)"
		} else {
			conv = func(v float64) float64 { return -100 * math.Expm1(-v) }
			yLabel = "Smallest detectable decrease (%)"
		}
	case ScaleShare:
		conv = func(v float64) float64 { return 100 * v }
		yLabel = "Smallest detectable change (percentage points)"
	}
	byTeams := map[int]*charts.MDESeries{}
	var order []int
	for _, p := range g.Points {
		s, ok := byTeams[p.Teams]
		if !ok {
			s = &charts.MDESeries{Teams: p.Teams}
			byTeams[p.Teams] = s
			order = append(order, p.Teams)
		}
		s.Points = append(s.Points, charts.MDEPoint{Quarters: p.Quarters, MDE: conv(p.MDE), Low: conv(p.Low), High: conv(p.High)})
	}
	series := make([]charts.MDESeries, 0, len(order))
	for _, t := range order {
		series = append(series, *byTeams[t])
	}
	title := fmt.Sprintf("%s: smallest change detected with probability %s (alpha %s)", m.Title, pctWhole(r.Power), trimFloat(r.Alpha))
	return charts.MDEGrid(title, yLabel, series)
}
