package main

import (
	"context"

	"fmt"
	"github.com/trainimpact/trainimpact/reports/charts"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// scaleSize is one size of the scaling study: metric events and teams of eight people.
type scaleSize struct {
	Name          string
	Events, Teams int
}

// people is the size's number of employees (teams of eight).
func (s scaleSize) people() int { return 8 * s.Teams }

var scaleSizes = []scaleSize{
	{"100k", 100_000, 25},      // 200 people
	{"1M", 1_000_000, 250},     // 2,000 people
	{"10M", 10_000_000, 2_500}, // 20,000 people
}

// scaleStep is one measured step of the study: a benchmark and the metrics it reports.
type scaleStep struct {
	Name, Short, Pkg, Bench string
	Time                    string // metric holding the step's time
	TimeScale               float64
	RSS                     string // metric holding its peak RSS in MB; empty: the process's peak; "-": none
	// Args are the benchmark's arguments at a size (default: -events and -teams).
	Args func(scaleSize) []string
	// Events names a metric holding the events the step actually had, when the size's count is
	// only a target (rebuild syncs an organisation of the size's people first).
	Events string
	// Skip says why a size is not run (empty: it is).
	Skip func(scaleSize) string
}

var scaleSteps = []scaleStep{
	{Name: "derive (metrics.Derive into an empty metric_events)", Short: "derive", Pkg: "pipeline/metrics", Bench: "^BenchmarkDerive10M$", Time: "first-s", TimeScale: 1},
	{Name: "analyze (analyze.Compute, permutation test and sensitivity included)", Short: "analyze", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$",
		Time: "analysis-ms", TimeScale: 1e-3, RSS: "compute-peak-rss-MB"},
	{Name: "analyze, its SQL side alone (panels, windows, durations, volumes)", Short: "analyze: SQL side", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$",
		Time: "sql-ms", TimeScale: 1e-3, RSS: "-"},
	{Name: "report (HTML, Markdown, JSON, CSV; PDF apart)", Short: "report", Pkg: "pipeline/reportdata", Bench: "^BenchmarkReport10M$", Time: "report-s", TimeScale: 1,
		RSS: "report-peak-rss-MB"},
	{Name: "rebuild (syncer.Rebuild of a synced organisation of the size's people)", Short: "rebuild", Pkg: "pipeline/syncer", Bench: "^BenchmarkRebuild$",
		Time: "rebuild-s", TimeScale: 1, RSS: "rebuild-peak-rss-MB", Events: "metric-events",
		Args: func(s scaleSize) []string { return []string{fmt.Sprintf("-people=%d", s.people())} },
		Skip: func(s scaleSize) string {
			if s.people() > 2000 {
				return "not run: its raw records come from syncing the organisation through the simulator first (no generator writes them directly yet); " +
					"at 20,000 people that sync passed 10 GB of memory within 2 minutes and was stopped, and its demo folder would need about 30 GB of disk"
			}
			return ""
		}},
}

// scaling runs the study at the sizes named (all when empty) and returns its Markdown section.
//
// With chartPath set it also draws the times against the events on log–log axes into that SVG
// file and links it from the section.
func scaling(ctx context.Context, root, tmp string, only []string, chartPath string) (string, error) {
	var sizes []scaleSize
	for _, s := range scaleSizes {
		if len(only) == 0 || contains(only, s.Name) {
			sizes = append(sizes, s)
		}
	}
	if len(sizes) == 0 {
		return "", fmt.Errorf("-scale-sizes: none of %v (have 100k, 1M, 10M)", only)
	}
	m := machine(root)
	m.LoadStart = loadavg()
	start := time.Now()
	type cell struct {
		secs, rssMB, events float64
		err                 error
		cmd, skip           string
	}
	cells := map[string]map[string]cell{}
	built := map[string]string{}
	done := map[string]*result{} // by package and size: steps reading one benchmark share its run
	for _, st := range scaleSteps {
		bin, ok := built[st.Pkg]
		if !ok {
			bin = filepath.Join(tmp, strings.ReplaceAll(st.Pkg, "/", "_")+".test")
			fmt.Fprintf(os.Stderr, "bench: building %s\n", st.Pkg)
			cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./"+st.Pkg)
			cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				return "", fmt.Errorf("build %s: %w", st.Pkg, err)
			}
			built[st.Pkg] = bin
		}
		cells[st.Name] = map[string]cell{}
		for _, sz := range sizes {
			if st.Skip != nil {
				if why := st.Skip(sz); why != "" {
					cells[st.Name][sz.Name] = cell{skip: why, secs: math.NaN(), rssMB: math.NaN(), events: math.NaN()}
					continue
				}
			}
			args := []string{fmt.Sprintf("-events=%d", sz.Events), fmt.Sprintf("-teams=%d", sz.Teams)}
			if st.Args != nil {
				args = st.Args(sz)
			}
			r := run{ID: st.Name, Pkg: st.Pkg, Bench: st.Bench, Timeout: 3 * time.Hour, Args: map[string][]string{sz.Name: args}}
			key := st.Pkg + " " + st.Bench + " " + sz.Name
			res, ok := done[key]
			if !ok {
				fmt.Fprintf(os.Stderr, "bench: %s at %s events\n", st.Pkg, sz.Name)
				res = execute(ctx, root, bin, r, sz.Name)
				if err := ctx.Err(); err != nil {
					return "", err
				}
				done[key] = res
			}
			c := cell{err: res.Err, cmd: res.Command, secs: math.NaN(), rssMB: math.NaN(), events: float64(sz.Events)}
			if st.Events != "" {
				c.events = math.NaN()
				if v, ok := res.Metrics[st.Events]; ok {
					c.events = v
				}
			}
			if v, ok := res.Metrics[st.Time]; ok {
				c.secs = v * st.TimeScale
			}
			if st.RSS != "" {
				if v, ok := res.Metrics[st.RSS]; ok {
					c.rssMB = v
				}
			} else if res.MaxRSS > 0 {
				c.rssMB = float64(res.MaxRSS) / (1 << 20)
			}
			cells[st.Name][sz.Name] = c
		}
	}
	m.LoadEnd = loadavg()
	m.Took = time.Since(start)

	var b strings.Builder
	fmt.Fprintf(&b, "### Scaling study\n\nProduced by `go run ./scripts/bench -size scaling` on %s UTC, commit %s, in %s. Machine: %s, %d cores, %s memory, %s/%s, %s. "+
		"Load average %s at the start, %s at the end. Teams of eight people (200 / 2,000 / 20,000 people at 100k / 1M / 10M events) and the catalog's 25 metrics over three years; "+
		"rebuild's organisation is synced by the simulator, so its events are that organisation's.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04"), m.Commit, m.Took.Round(time.Second), m.CPU, m.Cores, m.Mem, runtime.GOOS, runtime.GOARCH, m.GoVersion, m.LoadStart, m.LoadEnd)
	fmt.Fprint(&b, "| step | size | metric events | time (s) | peak RSS (MB) | growth exponent from the previous size (1 = linear) | command |\n|---|---|---|---|---|---|---|\n")
	var series []charts.Series
	for _, st := range scaleSteps {
		var prevEvents, prevSecs float64
		line := charts.Series{Label: st.Short}
		for _, sz := range sizes {
			c := cells[st.Name][sz.Name]
			if c.skip != "" {
				fmt.Fprintf(&b, "| %s | %s people | — | %s | — | — | — |\n", st.Name, grouped(sz.people()), c.skip)
				continue
			}
			growth := "—"
			if prevSecs > 0 && c.secs > 0 && c.events > prevEvents {
				growth = fmt.Sprintf("%.2f", math.Log(c.secs/prevSecs)/math.Log(c.events/prevEvents))
			}
			t := fmtNum(c.secs)
			if c.err != nil {
				t = "failed: " + oneLine(c.err.Error())
			}
			rss := "—"
			if !math.IsNaN(c.rssMB) {
				rss = fmtNum(c.rssMB)
			}
			fmt.Fprintf(&b, "| %s | %s people | %s | %s | %s | %s | `%s` |\n", st.Name, grouped(sz.people()), fmtNum(c.events), t, rss, growth, c.cmd)
			prevEvents, prevSecs = c.events, c.secs
			if c.err == nil {
				line.X, line.Y = append(line.X, c.events), append(line.Y, c.secs)
			}
		}
		series = append(series, line)
	}
	fmt.Fprintln(&b, "\nPeak RSS: derive's is the whole test process's (the synthetic events' generation included); analyze's is measured while `Compute` runs, report's while `Render` runs, rebuild's while `Rebuild` runs. "+
		"The analyze rows share one run per size: the SQL side is timed apart before `Compute`, which runs the same queries again.")
	if chartPath != "" {
		ch, err := charts.Growth("Time against metric events (log–log)", "Metric events", "Seconds (wall)", series)
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Dir(chartPath), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(chartPath, ch.SVG, 0o644); err != nil {
			return "", err
		}
		rel, err := filepath.Rel(root, chartPath)
		if err != nil {
			rel = chartPath
		}
		fmt.Fprintf(&b, "\n![%s](%s)\n\n%s\n", ch.Title, filepath.ToSlash(rel), ch.Alt)
	}
	return b.String(), nil
}

// grouped writes n with thousands separators.
func grouped(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return fmtNum(float64(n))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
