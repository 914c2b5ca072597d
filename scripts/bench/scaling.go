package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// scaleSize is one size of the scaling study: metric events and teams of eight people.
type scaleSize struct {
	Name          string
	Events, Teams int
}

var scaleSizes = []scaleSize{
	{"100k", 100_000, 25},      // 200 people
	{"1M", 1_000_000, 250},     // 2,000 people
	{"10M", 10_000_000, 2_500}, // 20,000 people
}

// scaleStep is one measured step of the study: a benchmark and the metrics it reports.
type scaleStep struct {
	Name, Pkg, Bench string
	Time             string // metric holding the step's time
	TimeScale        float64
	RSS              string // metric holding its peak RSS in MB; empty: the process's peak
	PanelBound       string // a part that should stay flat in events (optional)
}

var scaleSteps = []scaleStep{
	{Name: "derive (metrics.Derive into an empty metric_events)", Pkg: "pipeline/metrics", Bench: "^BenchmarkDerive10M$", Time: "first-s", TimeScale: 1},
	{Name: "analyze (analyze.Compute)", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$", Time: "analysis-ms", TimeScale: 1e-3,
		RSS: "compute-peak-rss-MB"},
}

// scaling runs the study at the sizes named (all when empty) and returns its Markdown section.
func scaling(ctx context.Context, root, tmp string, only []string) (string, error) {
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
		secs, rssMB float64
		err         error
		cmd         string
	}
	cells := map[string]map[string]cell{}
	for _, st := range scaleSteps {
		bin := filepath.Join(tmp, strings.ReplaceAll(st.Pkg, "/", "_")+".test")
		fmt.Fprintf(os.Stderr, "bench: building %s\n", st.Pkg)
		cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./"+st.Pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("build %s: %w", st.Pkg, err)
		}
		cells[st.Name] = map[string]cell{}
		for _, sz := range sizes {
			r := run{ID: st.Name, Pkg: st.Pkg, Bench: st.Bench, Timeout: 2 * time.Hour,
				Args: map[string][]string{sz.Name: {fmt.Sprintf("-events=%d", sz.Events), fmt.Sprintf("-teams=%d", sz.Teams)}}}
			fmt.Fprintf(os.Stderr, "bench: %s at %s events\n", st.Pkg, sz.Name)
			res := execute(ctx, root, bin, r, sz.Name)
			if err := ctx.Err(); err != nil {
				return "", err
			}
			c := cell{err: res.Err, cmd: res.Command, secs: math.NaN(), rssMB: math.NaN()}
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
		"Load average %s at the start, %s at the end. Teams of eight people (200 / 2,000 / 20,000 people at 100k / 1M / 10M events), 14 metrics over three years.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04"), m.Commit, m.Took.Round(time.Second), m.CPU, m.Cores, m.Mem, runtime.GOOS, runtime.GOARCH, m.GoVersion, m.LoadStart, m.LoadEnd)
	fmt.Fprint(&b, "| step | events | time (s) | peak RSS (MB) | growth exponent from the previous size (1 = linear) | command |\n|---|---|---|---|---|---|\n")
	for _, st := range scaleSteps {
		var prev *scaleSize
		var prevSecs float64
		for i := range sizes {
			sz := sizes[i]
			c := cells[st.Name][sz.Name]
			growth := "—"
			if prev != nil && prevSecs > 0 && c.secs > 0 {
				growth = fmt.Sprintf("%.2f", math.Log(c.secs/prevSecs)/math.Log(float64(sz.Events)/float64(prev.Events)))
			}
			t := fmtNum(c.secs)
			if c.err != nil {
				t = "failed: " + oneLine(c.err.Error())
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | `%s` |\n", st.Name, sz.Name, t, fmtNum(c.rssMB), growth, c.cmd)
			prev, prevSecs = &sizes[i], c.secs
		}
	}
	fmt.Fprintln(&b, "\nThe peak RSS of derive is the whole test process's (the synthetic events' generation included); analyze's is measured while `Compute` runs.")
	return b.String(), nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
