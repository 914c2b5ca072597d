package workspace_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// The test binary doubles as a second process (a real SIGKILL needs one): with TI_WS_CHILD set it
// runs that role against the config in TI_WS_CONFIG and exits.
//
//	publish      a writing session that only publishes (TI_WS_KILL_AT: SIGKILL itself at that step)
//	hold-lock    a writing session that prints "ready" and waits to be killed
//	hold-reader  a read-only open of the working database that prints "ready" and waits for stdin
//	sync, import, analyze, full   the kill harness's commands (see killharness_test.go)
func TestMain(m *testing.M) {
	if role := os.Getenv("TI_WS_CHILD"); role != "" {
		os.Exit(childMain(role))
	}
	os.Exit(m.Run())
}

func childMain(role string) int {
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	if at := os.Getenv("TI_WS_KILL_AT"); at != "" {
		workspace.SetStep(func(name string) {
			if name == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
		})
	}
	cfg, err := config.Load(os.Getenv("TI_WS_CONFIG"), nil)
	if err != nil {
		return fail(err)
	}
	switch role {
	case "publish":
		s, err := workspace.Begin(ctx, cfg, "publish", nil)
		if err != nil {
			return fail(err)
		}
		if err := s.Finish(ctx, nil, ""); err != nil {
			return fail(err)
		}
		return 0
	case "hold-lock":
		if _, err := workspace.Begin(ctx, cfg, "hold", nil); err != nil {
			return fail(err)
		}
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return 1
	case "hold-reader":
		st, err := store.OpenReadOnly(ctx, cfg.WorkPath())
		if err != nil {
			return fail(err)
		}
		defer st.Close()
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
		return 0
	}
	if code, ok := harnessChild(ctx, role, cfg); ok {
		return code
	}
	return fail(fmt.Errorf("unknown role %q", role))
}

// child is a started helper process.
type child struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	out   *bufio.Reader
}

// startChild starts the test binary in role against the config at cfgPath with extra environment.
func startChild(t *testing.T, role, cfgPath string, env ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), append([]string{"TI_WS_CHILD=" + role, "TI_WS_CONFIG=" + cfgPath}, env...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: in, out: bufio.NewReader(out)}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return c
}

// waitReady waits for the child's "ready" line.
func (c *child) waitReady(t *testing.T) {
	t.Helper()
	line, err := c.out.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		c.cmd.Wait()
		t.Fatalf("child not ready: %q %v", line, err)
	}
}

// runChild runs role to its end and returns how it ended: its exit code, or -9 when SIGKILL ended it.
func runChild(t *testing.T, role, cfgPath string, env ...string) int {
	t.Helper()
	c := startChild(t, role, cfgPath, env...)
	c.stdin.Close()
	c.cmd.Wait()
	return exitOf(c.cmd.ProcessState)
}

func exitOf(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return ps.ExitCode()
}

// writeConfig writes a trainimpact.yaml with body into dir and loads it (TI_PSEUDONYM_KEY from the
// environment of this process, set by the tests that need it).
func writeConfig(t *testing.T, dir, body string) (*config.Config, string) {
	t.Helper()
	path := dir + "/trainimpact.yaml"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, path
}

// session runs one writing session that does nothing but publish.
func session(t *testing.T, cfg *config.Config) {
	t.Helper()
	ctx := context.Background()
	s, err := workspace.Begin(ctx, cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, nil, ""); err != nil {
		t.Fatal(err)
	}
}

// harnessChild is replaced by the kill harness (killharness_test.go).
var harnessChild = func(ctx context.Context, role string, cfg *config.Config) (int, bool) { return 0, false }
