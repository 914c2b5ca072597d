package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/trainimpact/trainimpact/pipeline/config"
)

// deployDir is the repository's deploy/ folder.
var deployDir = filepath.Join("..", "..", "deploy")

// checkInvocation fails unless args (what follows the binary's name) is a command of the cobra
// tree with flags it defines, values it accepts and the arguments it takes.
func checkInvocation(t *testing.T, where string, args []string) {
	t.Helper()
	f := DefaultFactory()
	root := newRootCmd(f)
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Errorf("%s: trainimpact %s: no such command (%v)", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: trainimpact %s: %v", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Errorf("%s: trainimpact %s: %v", where, strings.Join(args, " "), err)
	}
	if err := f.checkLogFlags(); err != nil {
		t.Errorf("%s: %v", where, err)
	}
}

// trainimpactArgs returns the arguments after the trainimpact binary in a shell command line (the
// first command of a part between &&, || and ;), up to a redirection or the end of that command.
func trainimpactArgs(line string) ([]string, bool) {
	for _, part := range regexp.MustCompile(`&&|;|\|\|`).Split(line, -1) {
		fields := strings.Fields(part)
		for i, w := range fields {
			if strings.Contains(w, "=") && !strings.HasPrefix(w, "-") {
				continue // an environment assignment before the command
			}
			if w != "trainimpact" && !strings.HasSuffix(w, "/trainimpact") {
				break // the command of this part is something else
			}
			{
				var args []string
				for _, a := range fields[i+1:] {
					if strings.ContainsAny(a[:1], "<>|&") || strings.HasPrefix(a, "2>") || strings.HasPrefix(a, "1>") {
						break
					}
					args = append(args, a)
				}
				return args, true
			}
		}
	}
	return nil, false
}

func TestDeployCron(t *testing.T) {
	path := filepath.Join(deployDir, "cron", "trainimpact.cron")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	field := regexp.MustCompile(`^[0-9*/,-]+$`)
	jobs := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || regexp.MustCompile(`^[A-Z_]+=`).MatchString(line) {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 6 {
			t.Fatalf("%s:%d: not a cron line: %q", path, n, line)
		}
		for _, f := range fields[:5] {
			if !field.MatchString(f) {
				t.Errorf("%s:%d: bad schedule field %q", path, n, f)
			}
		}
		args, ok := trainimpactArgs(strings.Join(fields[5:], " "))
		if !ok {
			t.Fatalf("%s:%d: does not call trainimpact", path, n)
		}
		checkInvocation(t, path, args)
		jobs++
	}
	if jobs != 1 {
		t.Errorf("%s: %d jobs, want 1", path, jobs)
	}
}

// unit parses a systemd unit file into section -> key -> values.
func unit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" || strings.TrimSpace(k) == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", path, n, line)
			}
			out[section][strings.TrimSpace(k)] = append(out[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return out
}

func TestDeploySystemd(t *testing.T) {
	svcPath := filepath.Join(deployDir, "systemd", "trainimpact.service")
	svc := unit(t, svcPath)
	if svc["Service"]["Type"][0] != "oneshot" {
		t.Errorf("%s: Type %v, want oneshot", svcPath, svc["Service"]["Type"])
	}
	exec := svc["Service"]["ExecStart"]
	if len(exec) != 1 {
		t.Fatalf("%s: ExecStart %v", svcPath, exec)
	}
	args, ok := trainimpactArgs(exec[0])
	if !ok {
		t.Fatalf("%s: ExecStart does not call trainimpact", svcPath)
	}
	checkInvocation(t, svcPath, args)
	if len(svc["Service"]["EnvironmentFile"]) != 1 {
		t.Errorf("%s: the tokens must come from an EnvironmentFile", svcPath)
	}
	timerPath := filepath.Join(deployDir, "systemd", "trainimpact.timer")
	timer := unit(t, timerPath)
	if len(timer["Timer"]["OnCalendar"]) != 1 || timer["Install"]["WantedBy"][0] != "timers.target" {
		t.Errorf("%s: OnCalendar %v, WantedBy %v", timerPath, timer["Timer"]["OnCalendar"], timer["Install"]["WantedBy"])
	}
	if u := timer["Timer"]["Unit"]; len(u) != 1 || u[0] != filepath.Base(svcPath) {
		t.Errorf("%s: Unit %v, want %s", timerPath, u, filepath.Base(svcPath))
	}
}

// get walks a decoded YAML document by keys (and list indexes as int).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestDeployKubernetes(t *testing.T) {
	path := filepath.Join(deployDir, "kubernetes", "trainimpact.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		kind, _ := doc["kind"].(string)
		if kind == "" || doc["apiVersion"] == nil || get(doc, "metadata", "name") == nil {
			t.Fatalf("%s: a document without kind, apiVersion or metadata.name: %v", path, doc)
		}
		docs[kind] = doc
	}
	cj := docs["CronJob"]
	if cj == nil || docs["Secret"] == nil || docs["PersistentVolumeClaim"] == nil || docs["ConfigMap"] == nil {
		t.Fatalf("%s: want a CronJob, a Secret, a PersistentVolumeClaim and a ConfigMap; have %v", path, keys(docs))
	}
	if get(cj, "spec", "concurrencyPolicy") != "Forbid" {
		t.Errorf("concurrencyPolicy %v, want Forbid", get(cj, "spec", "concurrencyPolicy"))
	}
	pod := get(cj, "spec", "jobTemplate", "spec", "template", "spec")
	c := get(pod, "containers", 0)
	var argv []string
	for _, list := range []any{get(c, "command"), get(c, "args")} {
		for _, a := range list.([]any) {
			argv = append(argv, a.(string))
		}
	}
	args, ok := trainimpactArgs(strings.Join(argv, " "))
	if !ok {
		t.Fatalf("the container does not call trainimpact: %v", argv)
	}
	checkInvocation(t, path, args)

	// The tokens come from the Secret as environment variables.
	secretName := get(docs["Secret"], "metadata", "name")
	if get(c, "envFrom", 0, "secretRef", "name") != secretName {
		t.Errorf("envFrom %v, want the Secret %v", get(c, "envFrom"), secretName)
	}
	secret := map[string]string{}
	for k, v := range get(docs["Secret"], "stringData").(map[string]any) {
		secret[k] = v.(string)
	}
	// The state lives on the claim, and the config mounted where --config points loads strictly with
	// every token it names present in the Secret.
	mounts := map[string]string{}
	for _, m := range get(c, "volumeMounts").([]any) {
		mounts[get(m, "name").(string)] = get(m, "mountPath").(string)
	}
	var claimVolume, configVolume string
	for _, v := range get(pod, "volumes").([]any) {
		if get(v, "persistentVolumeClaim", "claimName") == get(docs["PersistentVolumeClaim"], "metadata", "name") {
			claimVolume = get(v, "name").(string)
		}
		if get(v, "configMap", "name") == get(docs["ConfigMap"], "metadata", "name") {
			configVolume = get(v, "name").(string)
		}
	}
	if claimVolume == "" || configVolume == "" || mounts[claimVolume] == "" || mounts[configVolume] == "" {
		t.Fatalf("volumes: claim %q config %q mounts %v", claimVolume, configVolume, mounts)
	}
	configPath := ""
	for i, a := range args {
		if a == "--config" && i+1 < len(args) {
			configPath = args[i+1]
		}
	}
	for name, text := range get(docs["ConfigMap"], "data").(map[string]any) {
		if filepath.Join(mounts[configVolume], name) != configPath {
			continue
		}
		cfg, err := config.Parse(configPath, []byte(text.(string)), func(k string) (string, bool) { v, ok := secret[k]; return v, ok })
		if err != nil {
			t.Fatalf("the ConfigMap's %s: %v", name, err)
		}
		if err := cfg.CheckSourceSecrets(); err != nil {
			t.Errorf("a token the config names is not in the Secret: %v", err)
		}
		for what, p := range map[string]string{"state_dir": cfg.StateDir, "warehouse": cfg.Warehouse, "people.teams": cfg.People.Teams} {
			if !strings.HasPrefix(p, mounts[claimVolume]+"/") {
				t.Errorf("%s %s is not on the persistent volume (%s)", what, p, mounts[claimVolume])
			}
		}
		return
	}
	t.Errorf("no ConfigMap entry is mounted at --config %s", configPath)
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
