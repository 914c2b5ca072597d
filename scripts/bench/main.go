// Command bench regenerates the headline figures of BENCHMARKS.md on the machine it runs on: it
// builds each package's test binary, runs the benchmarks behind the figures once, and writes each
// figure as a ratio against its limit measured in the same run, with the machine, the commit, the
// load and the date.
//
//	go run ./scripts/bench                              # full sizes, the table on stdout
//	go run ./scripts/bench -write BENCHMARKS.md         # replace the generated block of BENCHMARKS.md
//	go run ./scripts/bench -size quick                  # small sizes (proves the harness; not the targets)
//	go run ./scripts/bench -only store,analyze          # some figures
//	go run ./scripts/bench -size scaling -scale-sizes 100k   # the scaling study (derive, analyze, report, rebuild) at some sizes
//	go run ./scripts/bench -size scaling -write BENCHMARKS.md # the study at every size, and its chart (docs/benchmarks/scaling.svg)
//
// Full sizes (not yet timed end to end) want a quiet machine to themselves: the
// figures are wall-time ratios, and neighbours' load changes them.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// run is one execution of a test binary: the benchmarks (or tests) it runs and, per size, its
// extra arguments and environment.
type run struct {
	ID      string
	Pkg     string // package directory, relative to the module root
	Bench   string // -test.bench pattern; empty for a test run
	Test    string // -test.run pattern for a test run
	Args    map[string][]string
	Env     map[string][]string
	Timeout time.Duration
	Note    map[string]string // what the size means
}

// figure is one line of the table: a measured value against its limit from the same run.
type figure struct {
	Run, Title string
	// Num and Den are benchmark metrics (units as the benchmark reports them); Den empty with
	// Limit set means an absolute limit. Ratio = Num / Den (or Num / Limit).
	Num, Den string
	Limit    float64
	Unit     string // of Num and Den, for the table
	// Higher says the ratio must be at least Target (else at most); Target 0 means none given.
	Target float64
	Higher bool
	Also   []string // further metrics of the run shown beside it
}

var runs = []run{
	{ID: "pagerduty", Pkg: "connectors/pagerduty", Bench: "^BenchmarkSync100kDuckDB$", Timeout: 60 * time.Minute,
		Env:  map[string][]string{"quick": {"PAGERDUTY_BENCH_SCALE=1"}},
		Note: map[string]string{"full": "Medium org, seed 3, incidents ×27 (count: see the row)", "quick": "Medium org, seed 3, incidents ×1"}},
	{ID: "github", Pkg: "connectors/github", Bench: "^BenchmarkFullSync$", Timeout: 30 * time.Minute,
		Note: map[string]string{"full": "Small org, seed 11, 1,435 PRs", "quick": "Small org, seed 11, 1,435 PRs"}},
	{ID: "store", Pkg: "pipeline/store", Bench: "^BenchmarkStoreVsCopy$", Timeout: 30 * time.Minute,
		Args: map[string][]string{"quick": {"-rows=100000"}},
		Note: map[string]string{"full": "1,000,000 incident rows", "quick": "100,000 incident rows"}},
	{ID: "analyze", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$", Timeout: 60 * time.Minute,
		Args: map[string][]string{"quick": {"-events=100000"}},
		Note: map[string]string{"full": "10,000,000 metric events, 5,000 teams, 25 metrics", "quick": "100,000 metric events, 5,000 teams"}},
	{ID: "analyze-noperm", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$", Timeout: 60 * time.Minute,
		Args: map[string][]string{"full": {"-permutations=0"}, "quick": {"-events=100000", "-permutations=0"}},
		Note: map[string]string{"full": "10,000,000 metric events, 5,000 teams, 25 metrics", "quick": "100,000 metric events, 5,000 teams"}},
	{ID: "analyze-1gb", Pkg: "pipeline/analyze", Bench: "^BenchmarkAnalyze10M$", Timeout: 60 * time.Minute,
		Args: map[string][]string{"full": {"-memory-limit=1GB"}, "quick": {"-events=100000", "-memory-limit=1GB"}},
		Note: map[string]string{"full": "10,000,000 metric events, 5,000 teams, 25 metrics, `analysis.memory_limit: 1GB`", "quick": "100,000 metric events, 5,000 teams, `analysis.memory_limit: 1GB`"}},
	{ID: "report", Pkg: "pipeline/reportdata", Bench: "^BenchmarkReport10M$", Timeout: 60 * time.Minute,
		Args: map[string][]string{"quick": {"-events=100000"}},
		Note: map[string]string{"full": "10,000,000 metric events, 5,000 teams, 25 metrics", "quick": "100,000 metric events, 5,000 teams"}},
	{ID: "resync", Pkg: "connectors/github", Test: "^TestNoChangeResyncAndAdvance$", Timeout: 10 * time.Minute},
	{ID: "resync-pd", Pkg: "connectors/pagerduty", Test: "^TestSyncWithFaults$", Timeout: 10 * time.Minute},
	{ID: "resync-jira", Pkg: "connectors/jira", Test: "^TestSecondSyncAndAdvance$", Timeout: 10 * time.Minute},
}

var figures = []figure{
	{Run: "pagerduty", Title: "PagerDuty full sync into DuckDB, final checkpoint included ÷ its latency bound (requests × 20 ms ÷ 4)",
		Num: "wall+ckpt_s", Den: "bound_s", Unit: "s", Target: 1.15, Also: []string{"wall/bound", "requests", "incidents"}},
	{Run: "github", Title: "GitHub full sync into DuckDB ÷ its latency bound (requests × 20 ms ÷ 4)",
		Num: "wall_s", Den: "lowerbound_s", Unit: "s", Also: []string{"requests"}},
	{Run: "store", Title: "store write rate ÷ DuckDB's own COPY of the same rows (higher is better)",
		Num: "store_rows/s", Den: "copy_rows/s", Unit: "rows/s", Target: 0.9, Higher: true, Also: []string{"store/copy_cpu"}},
	{Run: "analyze", Title: "`analyze.Compute` ÷ a scan-copy of the columns it reads (permutation test and sensitivity included)",
		Num: "analysis-ms", Den: "scan-copy-ms", Unit: "ms", Target: 3, Also: []string{"scan-rows-ms", "sql-ms"}},
	{Run: "analyze-noperm", Title: "`analyze.Compute` ÷ a scan-copy of the columns it reads, without the permutation test (`analysis.permutations: 0`)",
		Num: "analysis-ms", Den: "scan-copy-ms", Unit: "ms", Target: 3, Also: []string{"scan-rows-ms", "sql-ms"}},
	{Run: "analyze", Title: "peak resident memory while `analyze.Compute` runs ÷ 1 GB, no memory limit set",
		Num: "compute-peak-rss-MB", Limit: 1024, Unit: "MB", Target: 1},
	{Run: "analyze-1gb", Title: "peak resident memory while `analyze.Compute` runs ÷ 1 GB, with `analysis.memory_limit: 1GB`",
		Num: "compute-peak-rss-MB", Limit: 1024, Unit: "MB", Target: 1, Also: []string{"analysis-ms", "scan-copy-ms"}},
	{Run: "report", Title: "`report` (HTML, Markdown, JSON, CSV from the closed warehouse) ÷ 2 s",
		Num: "report-s", Limit: 2, Unit: "s", Target: 1, Also: []string{"pdf-s", "report-peak-rss-MB"}},
}

func main() {
	size := flag.String("size", "full", "full (the sizes the targets are set at), quick (small sizes, to check the harness) or scaling (the study at 100k, 1M and 10M events)")
	scaleOnly := flag.String("scale-sizes", "", "with -size scaling: comma-separated sizes to run (100k, 1M, 10M); default all")
	write := flag.String("write", "", "replace the generated block of this file (BENCHMARKS.md) instead of printing it")
	only := flag.String("only", "", "comma-separated run ids to run ("+ids()+"); default all")
	flag.Parse()
	if *size != "full" && *size != "quick" && *size != "scaling" {
		fmt.Fprintln(os.Stderr, "bench: -size must be full, quick or scaling")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := mainErr(ctx, *size, *write, *only, *scaleOnly); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func ids() string {
	var s []string
	for _, r := range runs {
		s = append(s, r.ID)
	}
	return strings.Join(s, ", ")
}

// result is what one run gave.
type result struct {
	Metrics map[string]float64
	Passed  bool
	Err     error
	Wall    time.Duration
	MaxRSS  int64 // bytes, of the test process
	Command string
}

func mainErr(ctx context.Context, size, write, only, scaleOnly string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if size == "scaling" {
		tmp, err := os.MkdirTemp("", "trainimpact-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		var sizes []string
		for _, s := range strings.Split(scaleOnly, ",") {
			if s = strings.TrimSpace(s); s != "" {
				sizes = append(sizes, s)
			}
		}
		chart := ""
		if write != "" {
			chart = filepath.Join(root, "docs", "benchmarks", "scaling.svg")
		}
		doc, err := scaling(ctx, root, tmp, sizes, chart)
		if err != nil {
			return err
		}
		doc = scaleBegin + "\n\n" + doc + "\n" + scaleEnd + "\n"
		if write == "" {
			fmt.Print(doc)
			return nil
		}
		return replaceBlock(write, scaleBegin, scaleEnd, doc)
	}
	selected := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			if !slices.ContainsFunc(runs, func(r run) bool { return r.ID == id }) {
				return fmt.Errorf("-only: unknown run %q (have %s)", id, ids())
			}
			selected[id] = true
		}
	}
	tmp, err := os.MkdirTemp("", "trainimpact-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	m := machine(root)
	m.LoadStart = loadavg()
	start := time.Now()
	results := map[string]*result{}
	binaries := map[string]string{}
	for _, r := range runs {
		if len(selected) > 0 && !selected[r.ID] {
			continue
		}
		bin, ok := binaries[r.Pkg]
		if !ok {
			bin = filepath.Join(tmp, strings.ReplaceAll(r.Pkg, "/", "_")+".test")
			fmt.Fprintf(os.Stderr, "bench: building %s\n", r.Pkg)
			cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./"+r.Pkg)
			cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("build %s: %w", r.Pkg, err)
			}
			binaries[r.Pkg] = bin
		}
		fmt.Fprintf(os.Stderr, "bench: running %s (%s)\n", r.ID, r.Pkg)
		results[r.ID] = execute(ctx, root, bin, r, size)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	m.LoadEnd = loadavg()
	m.Took = time.Since(start)
	doc := render(size, m, results)
	if write == "" {
		fmt.Print(doc)
		return nil
	}
	return replaceBlock(write, beginMarker, endMarker, doc)
}

var benchLine = regexp.MustCompile(`^Benchmark\S+\s+(\d+)\s+(.*)$`)

func execute(ctx context.Context, root, bin string, r run, size string) *result {
	args := []string{"-test.run=^$", "-test.bench=" + r.Bench, "-test.benchtime=1x"}
	if r.Bench == "" {
		args = []string{"-test.run=" + r.Test, "-test.count=1"}
	}
	args = append(args, "-test.timeout="+r.Timeout.String())
	args = append(args, r.Args[size]...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(root, r.Pkg) // benchmarks read their testdata/ relative to the package
	cmd.Env = append(os.Environ(), r.Env[size]...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, os.Stderr)
	cmd.Stderr = os.Stderr
	res := &result{Metrics: map[string]float64{}, Command: command(r, size)}
	t0 := time.Now()
	err := cmd.Run()
	res.Wall = time.Since(t0)
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSS = int64(ru.Maxrss) << 10 // kB on Linux
		}
	}
	res.Err, res.Passed = err, err == nil
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		mm := benchLine.FindStringSubmatch(sc.Text())
		if mm == nil {
			continue
		}
		f := strings.Fields(mm[2])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				res.Metrics[f[i+1]] = v
			}
		}
	}
	return res
}

// command is the plain `go test` line that runs the same thing by hand.
func command(r run, size string) string {
	var b strings.Builder
	for _, e := range r.Env[size] {
		b.WriteString(e + " ")
	}
	if r.Bench != "" {
		fmt.Fprintf(&b, "go test ./%s -run '^$' -bench '%s' -benchtime 1x -timeout %s", r.Pkg, r.Bench, r.Timeout)
	} else {
		fmt.Fprintf(&b, "go test ./%s -run '%s' -count 1", r.Pkg, r.Test)
	}
	if a := r.Args[size]; len(a) > 0 {
		b.WriteString(" -args " + strings.Join(a, " "))
	}
	return b.String()
}

type machineInfo struct {
	CPU, Mem, Commit, GoVersion string
	Cores                       int
	LoadStart, LoadEnd          string
	Took                        time.Duration
}

func machine(root string) machineInfo {
	m := machineInfo{CPU: "unknown CPU", Cores: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				if kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64); err == nil {
					m.Mem = fmt.Sprintf("%.1f GB", kb/(1<<20))
				}
			}
		}
	}
	cmd := exec.Command("git", "describe", "--always", "--dirty", "--abbrev=7")
	cmd.Dir = root
	if b, err := cmd.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(b))
	}
	return m
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " / ")
}

// Markers delimit the generated block in BENCHMARKS.md.
const (
	beginMarker = "<!-- bench:begin — generated by `go run ./scripts/bench`; edits between these markers are overwritten -->"
	endMarker   = "<!-- bench:end -->"
	scaleBegin  = "<!-- scaling:begin — generated by `go run ./scripts/bench -size scaling`; edits between these markers are overwritten -->"
	scaleEnd    = "<!-- scaling:end -->"
)

func render(size string, m machineInfo, results map[string]*result) string {
	var b strings.Builder
	fmt.Fprintln(&b, beginMarker)
	fmt.Fprintln(&b)
	title := "Current figures"
	if size == "quick" {
		title = "Harness check at quick sizes (not the targets' sizes: these ratios do not count against them)"
	}
	fmt.Fprintf(&b, "### %s\n\n", title)
	flagText := ""
	if size == "quick" {
		flagText = " -size quick"
	}
	fmt.Fprintf(&b, "Produced by `go run ./scripts/bench%s -write BENCHMARKS.md` on %s UTC, commit %s, in %s. Machine: %s, %d cores "+
		"visible to Go, %s memory, %s/%s, %s. Load average (1 / 5 / 15 min) %s at the start, %s at the end; the figures are wall-time "+
		"ratios, so a busy machine makes them worse.\n\n",
		flagText, time.Now().UTC().Format("2006-01-02 15:04"), m.Commit, m.Took.Round(time.Second), m.CPU, m.Cores, m.Mem,
		runtime.GOOS, runtime.GOARCH, m.GoVersion, m.LoadStart, m.LoadEnd)
	fmt.Fprintln(&b, "| figure | size | measured | limit, same run | ratio | target | met | command |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|")
	byID := map[string]run{}
	for _, r := range runs {
		byID[r.ID] = r
	}
	for _, f := range figures {
		res, ok := results[f.Run]
		if !ok {
			continue
		}
		r := byID[f.Run]
		num, okN := res.Metrics[f.Num]
		den, okD := f.Limit, true
		if f.Den != "" {
			den, okD = res.Metrics[f.Den]
		}
		measured, limit, ratio, met := "—", "—", "—", "—"
		if okN && okD && den > 0 {
			measured, limit = fmtNum(num)+" "+f.Unit, fmtNum(den)+" "+f.Unit
			if f.Den == "" {
				limit += " (fixed)"
			}
			q := num / den
			ratio = fmt.Sprintf("**%.3f×**", q)
			if f.Target > 0 && size == "quick" {
				met = "— (quick)"
			} else if f.Target > 0 {
				met = yes(q <= f.Target)
				if f.Higher {
					met = yes(q >= f.Target)
				}
			}
		} else if res.Err != nil {
			measured = "failed: " + oneLine(res.Err.Error())
		} else {
			measured = "not reported (" + f.Num + ")"
		}
		target := "—"
		if f.Target > 0 {
			target = fmt.Sprintf("≤ %g", f.Target)
			if f.Higher {
				target = fmt.Sprintf("≥ %g", f.Target)
			}
		}
		var also []string
		for _, a := range f.Also {
			if v, ok := res.Metrics[a]; ok {
				also = append(also, a+" "+fmtNum(v))
			}
		}
		title := f.Title
		if len(also) > 0 {
			title += " (" + strings.Join(also, ", ") + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | `%s` |\n", title, r.Note[size], measured, limit, ratio, target, met, res.Command)
	}
	// The re-sync figures are assertions of the connectors' tests.
	for _, id := range []string{"resync", "resync-pd", "resync-jira"} {
		res, ok := results[id]
		if !ok {
			continue
		}
		what := map[string]string{
			"resync":      "GitHub re-sync with no change: exactly one request per repository and entity, the number the test computes",
			"resync-pd":   "PagerDuty re-sync with no change: ≤ 8 requests (incidents and log entries, one window each)",
			"resync-jira": "Jira re-sync with no change: ≤ 6 requests (setup and one search page)",
		}[id]
		fmt.Fprintf(&b, "| %s | Small org | asserted by the test | — | — | ≤ 1 request per scope and entity | %s | `%s` |\n",
			what, yes(res.Passed), res.Command)
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, endMarker)
	return b.String()
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

func fmtNum(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
		// thousands separators
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var out []byte
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, ',')
			}
			out = append(out, s[i])
		}
		if neg {
			return "-" + string(out)
		}
		return string(out)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
}

// replaceBlock puts doc in place of the generated block of path, or after its title when it has
// none yet.
func replaceBlock(path, beginMarker, endMarker, doc string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + strings.TrimSuffix(doc, "\n") + s[j+len(endMarker):]
	case i < 0 && j < 0:
		k := strings.Index(s, "\n\n")
		if k < 0 {
			return errors.New(path + ": no title paragraph to put the generated block after")
		}
		s = s[:k+2] + doc + "\n" + s[k+2:]
	default:
		return fmt.Errorf("%s: unmatched bench markers", path)
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// moduleRoot finds the folder holding go.mod from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
