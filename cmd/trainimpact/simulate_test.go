package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// TestSimulateRehearsal rehearses an operator's day against `trainimpact simulate` started in-process
// on a free port: a first sync against the config it wrote, an incremental one after advancing
// its clock (new records appear), a source taken down (exit 3, nothing published), a run while
// another holds the lock (exit 4), and a clean stop when the context ends.
func TestSimulateRehearsal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: time.Now}
	ready := make(chan *demo.Sim, 1)
	opts := &SimulateOptions{Out: filepath.Join(t.TempDir(), "sim"), Size: "small", Seed: 3, Effect: -0.2,
		Addr: "127.0.0.1:0", ClockOffset: -60 * 24 * time.Hour, ready: func(s *demo.Sim) { ready <- s },
		params: &org.Params{People: 32, HistoryMonths: 6}}
	done := make(chan error, 1)
	go func() { done <- runSimulate(ctx, f, opts) }()
	var sim *demo.Sim
	select {
	case sim = <-ready:
	case err := <-done:
		t.Fatalf("simulate stopped before serving: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("simulate did not start within a minute")
	}
	printed := out.String()
	for _, e := range sim.Exports() {
		if !strings.Contains(printed, e) {
			t.Errorf("simulate did not print %q:\n%s", e, printed)
		}
	}
	if !strings.Contains(printed, sim.Server.URL()) || !strings.Contains(sim.Server.URL(), "http://127.0.0.1:") {
		t.Errorf("simulate did not print its loopback URL %s:\n%s", sim.Server.URL(), printed)
	}
	if got, want := sim.Server.Now(), time.Now().Add(-60*24*time.Hour); got.Sub(want).Abs() > time.Minute {
		t.Errorf("simulator clock %s, want this machine's time minus 60 days (%s)", got, want)
	}
	dir, env := sim.Out, sim.Env
	// The client's clock agrees with the source's (the simulator's): a skewed source is issue 18's
	// test; here the operator's commands see the simulated time pass.
	runWithEnv := func(t *testing.T, dir string, env map[string]string, args ...string) (int, string) {
		t.Helper()
		t0 := time.Now()
		var out, errOut bytes.Buffer
		f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: sim.Server.Now,
			LookupEnv: sim.LookupEnv}
		code := Main(append([]string{"--config", filepath.Join(dir, "trainimpact.yaml"), "--log-level", "error"}, args...), f)
		t.Logf("%v: exit %d in %s", args, code, time.Since(t0).Round(time.Millisecond))
		return code, out.String() + errOut.String()
	}
	warehouse := filepath.Join(dir, "impact.duckdb")
	count := func(what string) int {
		t.Helper()
		st, err := store.OpenReadOnly(ctx, warehouse)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+what).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	admin := func(path string) {
		t.Helper()
		resp, err := http.Post(sim.Server.URL()+"/admin/"+path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /admin/%s: %s", path, resp.Status)
		}
	}

	if code, out := runWithEnv(t, dir, env, "import"); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	if code, out := runWithEnv(t, dir, env, "sync"); code != ExitOK {
		t.Fatalf("first sync: exit %d\n%s", code, out)
	}
	first := count("incidents")
	if want := sim.Server.Truth().Counts.Incidents; first != want || first == 0 {
		t.Fatalf("first sync: %d incidents published, the simulator has %d", first, want)
	}

	admin("advance?days=30")
	code, out2 := runWithEnv(t, dir, env, "sync")
	if code != ExitOK {
		t.Fatalf("incremental sync: exit %d\n%s", code, out2)
	}
	second := count("incidents")
	if want := sim.Server.Truth().Counts.Incidents; second != want || second <= first {
		t.Fatalf("after advancing 30 days: %d incidents published (before %d), the simulator has %d", second, first, want)
	}

	admin("down?source=github&mode=unauthorized")
	admin("advance?days=10")
	if code, out := runWithEnv(t, dir, env, "sync"); code != ExitPartial || !strings.Contains(out, "github") {
		t.Fatalf("sync with GitHub down: exit %d, want %d naming github\n%s", code, ExitPartial, out)
	}
	if got := count("incidents"); got != second {
		t.Errorf("a partial sync published: %d incidents, %d before", got, second)
	}
	admin("up?source=all")

	cfg, err := config.Load(sim.ConfigPath, sim.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Begin(ctx, cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	code, out4 := runWithEnv(t, dir, env, "sync")
	s.Finish(ctx, fmt.Errorf("test over"), "failed")
	if code != ExitLocked {
		t.Fatalf("sync while another run holds the lock: exit %d, want %d\n%s", code, ExitLocked, out4)
	}
	if code, out := runWithEnv(t, dir, env, "sync"); code != ExitOK {
		t.Fatalf("sync after the source came back: exit %d\n%s", code, out)
	}
	if got, want := count("incidents"), sim.Server.Truth().Counts.Incidents; got != want {
		t.Errorf("after the outage: %d incidents published, the simulator has %d", got, want)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("simulate after cancellation: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("simulate did not stop")
	}
	if resp, err := http.Get(sim.Server.URL() + "/admin/status"); err == nil {
		resp.Body.Close()
		t.Error("the simulator still answers after it stopped")
	}
}

// TestSimulateRefusesBadFlags: a non-loopback address, an unknown size and an impossible effect are
// usage errors (exit 2) that name the flag.
func TestSimulateRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, "--addr"},
		{[]string{"--size", "huge"}, "--size"},
		{[]string{"--effect", "-1.5"}, "--effect"},
	} {
		var out, errOut bytes.Buffer
		f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: time.Now}
		args := append([]string{"simulate", "--out", filepath.Join(t.TempDir(), "sim")}, c.args...)
		if code := Main(args, f); code != ExitUsage || !strings.Contains(errOut.String(), c.flag) {
			t.Errorf("simulate %v: exit %d, want %d naming %s\n%s", c.args, code, ExitUsage, c.flag, errOut.String())
		}
	}

}
