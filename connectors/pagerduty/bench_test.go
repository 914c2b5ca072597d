package pagerduty_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/connectors/pagerduty"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
)

// benchLatency is the time the benchmark's server takes to answer every request.
const benchLatency = 20 * time.Millisecond

// benchServerEnv, when set, makes the test binary serve the benchmark organisation instead of
// running tests (see TestMain and startBenchServer).
const benchServerEnv = "PAGERDUTY_BENCH_SERVER"

// TestMain lets the test binary act as the benchmark's API server in a second process.
func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) != "" {
		if err := serveBenchOrg(); err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// benchScaleEnv, when set, replaces the benchmark organisation's incident scale (27) — for a short
// run of the same benchmark (scripts/bench -size quick); both processes read it.
const benchScaleEnv = "PAGERDUTY_BENCH_SCALE"

// benchOrg is Medium with incidents ×27 (the other sources at their default volume): about 100,000
// incidents visible at its now. It used to scale every source by 21.5, which gave 100,884 incidents
// until the simulator's DORA linkage (2026-12-07) kept incidents arriving on their own out of every
// deployment's windows: with deployments ×21.5 too, those windows covered much of the timeline and
// left 51,871. Scaling the incidents alone keeps the deployments, and so their windows, few.
func benchOrg() *org.Org {
	scale := 27.0
	if v, err := strconv.ParseFloat(os.Getenv(benchScaleEnv), 64); err == nil && v > 0 {
		scale = v
	}
	return org.Generate(org.Params{Seed: 3, Size: org.Medium, Scale: 1, IncidentScale: scale})
}

// benchServer describes the server process to the benchmark.
type benchServer struct {
	URL       string    `json:"url"`   // PagerDuty base URL
	Now       time.Time `json:"now"`   // the simulator's clock (fixed)
	Start     time.Time `json:"start"` // the organisation's first day
	Incidents int       `json:"incidents"`
}

// serveBenchOrg serves the benchmark organisation with benchLatency per request, writes a
// benchServer line to stdout once listening, and stops when stdin closes.
func serveBenchOrg() error {
	o := benchOrg()
	// Collect the generation's garbage now: its heap goal would otherwise set off a collection of
	// the whole organisation (≈ 1 GB live) within the first requests.
	runtime.GC()
	srv, err := simulate.Start(context.Background(), o, simulate.Options{Faults: simulate.Faults{Latency: benchLatency}})
	if err != nil {
		return err
	}
	defer srv.Close()
	line, err := json.Marshal(benchServer{URL: srv.PagerDutyURL(), Now: srv.Now(), Start: o.Start, Incidents: len(o.IncidentsUpTo(o.Now))})
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

var (
	benchSrvOnce sync.Once
	benchSrv     benchServer
	benchSrvErr  error
	// benchSrvIn is the server's stdin, held open (and reachable, so that no finalizer closes it)
	// until this process exits.
	benchSrvIn io.WriteCloser
)

// startBenchServer starts this test binary as the API server (once per process) and waits until it
// listens. The server runs in its own process, as a real API does: in this one, the organisation's
// ≈ 3.5 GB of generated records would be marked by every garbage collection the client's decoding
// sets off, a cost no client of a remote API pays. The two processes still share the machine's
// cores.
func startBenchServer(b testing.TB) benchServer {
	benchSrvOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			benchSrvErr = err
			return
		}
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), benchServerEnv+"=1")
		cmd.Stderr = os.Stderr
		benchSrvIn, err = cmd.StdinPipe()
		if err != nil {
			benchSrvErr = err
			return
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			benchSrvErr = err
			return
		}
		if benchSrvErr = cmd.Start(); benchSrvErr != nil {
			return
		}
		line, err := bufio.NewReader(stdout).ReadBytes('\n')
		if err != nil {
			benchSrvErr = fmt.Errorf("bench server did not start: %w", err)
			return
		}
		benchSrvErr = json.Unmarshal(line, &benchSrv)
	})
	if benchSrvErr != nil {
		b.Fatal(benchSrvErr)
	}
	return benchSrv
}

// discardSink accepts every batch without storing it: the collection alone.
type discardSink struct{}

func (discardSink) Commit(_ context.Context, b connectors.Batch) (connectors.Counts, error) {
	return connectors.Counts{Fetched: len(b.Raw), New: len(b.Raw)}, nil
}
func (discardSink) Cursor(context.Context, connectors.CursorKey) (connectors.Cursor, bool, error) {
	return connectors.Cursor{}, false, nil
}
func (discardSink) LiveIDs(context.Context, string, string, string) ([]string, error) {
	return nil, nil
}
func (discardSink) Raw(context.Context, string, string, []string) ([]models.RawRecord, error) {
	return nil, nil
}

// benchSync syncs the 100k-incident organisation served with 20 ms latency per request and
// reports requests, wall time and the lower bound requests × latency ÷ concurrency.
func benchSync(b *testing.B, withDB bool) {
	srv := startBenchServer(b)
	cfg := &pagerduty.Config{BaseURL: srv.URL, TokenEnv: tokenEnv, Concurrency: 4,
		Since: connectors.Date{Time: srv.Start.AddDate(0, -1, 0)}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var s connectors.Sink = discardSink{}
		var d *db
		restore := func() {}
		if withDB {
			d = openDB(b)
			s = d.sink
			// As syncer.Sync does: DuckDB's writes leave a core to the collection.
			var err error
			if restore, err = d.st.ShareCores(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		c, err := pagerduty.New(cfg, connectors.Env{Secrets: map[string]string{tokenEnv: simulate.DefaultPagerDutyToken},
			Now: func() time.Time { return srv.Now }}, pagerduty.WithHTTPX(func(o *httpx.Options) {
			o.MinBackoff, o.MaxBackoff, o.MinRetryWait = time.Millisecond, 5*time.Millisecond, time.Millisecond
		}))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if err := c.Sync(context.Background(), s, connectors.SyncOptions{ConfigHash: "bench"}); err != nil {
			b.Fatal(err)
		}
		restore() // as syncer.Sync does: the derive step runs on every core
		if withDB {
			if err := d.sink.Derive(context.Background(), c); err != nil {
				b.Fatal(err)
			}
		}
		wall := time.Since(t0)
		req := c.Transport().TotalRequests()
		bound := time.Duration(req) * benchLatency / time.Duration(c.Transport().Concurrency())
		b.ReportMetric(float64(srv.Incidents), "incidents")
		b.ReportMetric(float64(req), "requests")
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(bound.Seconds(), "bound_s")
		b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/bound")
		if withDB {
			// What the log still holds written into the file, as the publish that follows does.
			if err := d.st.Checkpoint(context.Background()); err != nil {
				b.Fatal(err)
			}
			withCkpt := time.Since(t0)
			b.ReportMetric(withCkpt.Seconds(), "wall+ckpt_s")
			b.ReportMetric(withCkpt.Seconds()/bound.Seconds(), "wall+ckpt/bound")
			b.StopTimer()
			if n := queryInt(b, d, `SELECT count(*) FROM incidents`); n != srv.Incidents {
				b.Fatalf("%d incidents stored, want %d", n, srv.Incidents)
			}
			b.StartTimer()
		}
	}
}

// BenchmarkSync100kFetch measures the collection (HTTP, decoding, mapping) with a sink that
// discards the batches.
func BenchmarkSync100kFetch(b *testing.B) { benchSync(b, false) }

// BenchmarkSync100kDuckDB measures the whole sync into DuckDB through the pipeline's sink, plus the
// derive step, as syncer.Sync runs them.
func BenchmarkSync100kDuckDB(b *testing.B) { benchSync(b, true) }
