package config

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/trainimpact/trainimpact/connectors"
)

// ErrNotFound reports a missing config file.
var ErrNotFound = errors.New("config: file not found")

// Load reads and validates the config at path. lookupEnv resolves *_env variables (os.LookupEnv
// when nil). Every problem is reported at once, as Errors.
func Load(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s (run `trainimpact init` to write one, or pass --config)", ErrNotFound, path)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data, lookupEnv)
}

// Parse is Load on bytes already read; path is used in messages and to resolve relative paths.
func Parse(path string, data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	cfg := Default()
	cfg.Path = path
	d := &decoder{file: path}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		d.fromYAMLError("", err)
		return nil, d.errs
	}
	var root *ast.MappingNode
	if len(f.Docs) > 0 && f.Docs[0].Body != nil {
		switch n := f.Docs[0].Body.(type) {
		case *ast.MappingNode:
			root = n
		case *ast.MappingValueNode:
			root = &ast.MappingNode{Values: []*ast.MappingValueNode{n}}
		default:
			d.add(line(n), "", "the file must be a mapping of keys (warehouse:, sources:, ...)")
		}
	}
	if root != nil {
		for _, kv := range root.Values {
			key := kv.Key.String()
			if key == "sources" {
				d.sources(cfg, kv)
				continue
			}
			d.field(reflect.ValueOf(cfg).Elem(), key, key, kv)
		}
	}
	d.validate(cfg, root)
	d.validatePaths(cfg)
	d.secrets(cfg, lookupEnv)
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Line < d.errs[j].Line })
		return nil, d.errs
	}
	cfg.resolvePaths()
	return cfg, nil
}

type decoder struct {
	file string
	errs Errors
	// lines remembers where each dotted key was written, for messages from Validate.
	lines map[string]int
}

func (d *decoder) add(ln int, key, msg string) {
	d.errs = append(d.errs, Error{File: d.file, Line: ln, Key: key, Message: msg})
}

func (d *decoder) remember(key string, ln int) {
	if d.lines == nil {
		d.lines = map[string]int{}
	}
	d.lines[key] = ln
}

func line(n ast.Node) int {
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// fromYAMLError turns a go-yaml error into an Error with its line.
func (d *decoder) fromYAMLError(key string, err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		d.add(ye.GetToken().Position.Line, key, ye.GetMessage())
		return
	}
	d.add(0, key, err.Error())
}

// field decodes kv into the struct field of v whose yaml tag is key; nested structs are walked
// key by key so that every problem is reported.
func (d *decoder) field(v reflect.Value, key, path string, kv *ast.MappingValueNode) {
	d.remember(path, line(kv.Key))
	f, ok := fieldByTag(v, key)
	if !ok {
		d.add(line(kv.Key), path, fmt.Sprintf("unknown key (known: %s)", strings.Join(tags(v), ", ")))
		return
	}
	if f.Kind() == reflect.Struct && !isScalarStruct(f) {
		if _, isNull := kv.Value.(*ast.NullNode); isNull {
			return
		}
		m, ok := mapping(kv.Value)
		if !ok {
			d.add(line(kv.Value), path, "expected a mapping of keys")
			return
		}
		for _, sub := range m.Values {
			d.field(f, sub.Key.String(), path+"."+sub.Key.String(), sub)
		}
		return
	}
	if err := yaml.NodeToValue(kv.Value, f.Addr().Interface(), yaml.Strict()); err != nil {
		d.fromYAMLError(path, err)
	}
}

// isScalarStruct reports structs written as one scalar (dates): those implementing
// encoding.TextUnmarshaler.
func isScalarStruct(v reflect.Value) bool {
	_, ok := v.Addr().Interface().(encoding.TextUnmarshaler)
	return ok
}

func mapping(n ast.Node) (*ast.MappingNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m, true
	case *ast.MappingValueNode:
		return &ast.MappingNode{Values: []*ast.MappingValueNode{m}}, true
	}
	return nil, false
}

func fieldByTag(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == key && tag != "-" {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func tags(v reflect.Value) []string {
	var out []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	if t == reflect.TypeOf(Config{}) {
		out = append(out, "sources")
		sort.Strings(out)
	}
	return out
}

// sources decodes each `sources.<name>` block into its driver's config.
func (d *decoder) sources(cfg *Config, kv *ast.MappingValueNode) {
	d.remember("sources", line(kv.Key))
	if _, isNull := kv.Value.(*ast.NullNode); isNull {
		return
	}
	m, ok := mapping(kv.Value)
	if !ok {
		d.add(line(kv.Value), "sources", "expected a mapping of source names (pagerduty:, jira:, github:)")
		return
	}
	for _, src := range m.Values {
		name := src.Key.String()
		path := "sources." + name
		d.remember(path, line(src.Key))
		drv, err := connectors.Lookup(name)
		if err != nil {
			d.add(line(src.Key), path, fmt.Sprintf("unknown source (known: %s)", strings.Join(connectors.Drivers(), ", ")))
			continue
		}
		sc := drv.NewConfig()
		rv := reflect.ValueOf(sc)
		if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
			panic(fmt.Sprintf("config: driver %s: NewConfig must return a pointer to a struct", name))
		}
		if sm, ok := mapping(src.Value); ok {
			for _, sub := range sm.Values {
				d.field(rv.Elem(), sub.Key.String(), path+"."+sub.Key.String(), sub)
			}
		} else if _, isNull := src.Value.(*ast.NullNode); !isNull {
			d.add(line(src.Value), path, "expected a mapping of keys")
			continue
		}
		for _, fe := range sc.Validate() {
			k := path + "." + fe.Key
			d.add(d.lineOf(k), k, fe.Message)
		}
		cfg.Sources[name] = sc
	}
}

// lineOf finds the line of a dotted key, or of its nearest written parent.
func (d *decoder) lineOf(key string) int {
	for k := key; k != ""; {
		base, _, _ := strings.Cut(k, "[")
		if ln, ok := d.lines[base]; ok {
			return ln
		}
		i := strings.LastIndex(k, ".")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// secrets keeps the value of every variable named by a *_env key and remembers, with its key and
// line, each one that is unset or empty (reported by CheckSourceSecrets and CheckPseudonymKey).
func (d *decoder) secrets(cfg *Config, lookupEnv func(string) (string, bool)) {
	cfg.unset = map[string]Error{}
	check := func(key, env string) {
		if env == "" {
			return
		}
		v, ok := lookupEnv(env)
		if !ok || v == "" {
			cfg.unset[key] = Error{File: d.file, Line: d.lineOf(key), Key: key, Message: fmt.Sprintf("environment variable %s is not set", env)}
			return
		}
		cfg.Secrets[env] = v
	}
	for _, name := range cfg.SourceNames() {
		for k, env := range cfg.Sources[name].SecretEnvs() {
			check("sources."+name+"."+k, env)
		}
	}
	if cfg.People.Pseudonymize {
		if cfg.People.PseudonymKeyEnv == "" {
			d.add(d.lineOf("people.pseudonymize"), "people.pseudonym_key_env", "required when people.pseudonymize is true")
		}
		check("people.pseudonym_key_env", cfg.People.PseudonymKeyEnv)
	}
}

// validate checks values the types alone do not.
func (d *decoder) validate(cfg *Config, _ *ast.MappingNode) {
	bad := func(key, msg string) { d.add(d.lineOf(key), key, msg) }
	oneOf := func(key, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		bad(key, fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", ")))
	}
	if cfg.Warehouse == "" {
		bad("warehouse", "required: the path of the published database")
	}
	if cfg.StateDir == "" {
		bad("state_dir", "required: the folder for the working database and lock")
	}
	a := cfg.Analysis
	oneOf("analysis.unit", a.Unit, "team", "person")
	oneOf("analysis.period", a.Period, "month", "quarter", "week")
	oneOf("analysis.control", a.Control, "not_yet_treated", "never_treated")
	oneOf("analysis.dropouts", a.Dropouts, "exclude", "intention_to_treat")
	oneOf("analysis.treatment_start", a.TreatmentStart, "completed", "enrolled")
	// NaN passes every comparison, so each float is checked to be finite first (YAML writes .nan
	// and .inf); the ROI's costs and values are checked with their own rules below.
	for _, k := range []struct {
		key string
		v   float64
	}{{"analysis.alpha", a.Alpha}, {"analysis.max_censored", a.MaxCensored}} {
		if math.IsNaN(k.v) || math.IsInf(k.v, 0) {
			bad(k.key, "must be a finite number")
		}
	}
	if a.Alpha <= 0 || a.Alpha >= 0.5 {
		bad("analysis.alpha", "must be between 0 and 0.5")
	}
	if a.Permutations < 0 {
		bad("analysis.permutations", "must be 0 or more (0 turns the permutation test off)")
	}
	if n, err := ParseBytes(a.MemoryLimit); err != nil {
		bad("analysis.memory_limit", err.Error())
	} else if n != 0 && n < 64<<20 {
		bad("analysis.memory_limit", "must be at least 64MB (or empty for no limit)")
	}
	if a.Bootstrap < 0 {
		bad("analysis.bootstrap", "must be 0 or more")
	}
	if a.MinCell < 1 {
		bad("analysis.min_cell", "must be at least 1")
	}
	for _, k := range []struct {
		key string
		v   int
	}{{"analysis.pre_days", a.PreDays}, {"analysis.post_days", a.PostDays}, {"analysis.washout_days", a.WashoutDays}, {"analysis.anticipation", a.Anticipation}} {
		if k.v < 0 {
			bad(k.key, "must be 0 or more")
		}
	}
	if a.MaxCensored < 0 || a.MaxCensored > 1 {
		bad("analysis.max_censored", "must be a share between 0 and 1")
	}
	if _, err := parseMode(cfg.Publish.Mode); err != nil {
		bad("publish.mode", err.Error())
	}
	c := cfg.ROI.Costs
	for _, k := range []struct {
		key string
		v   float64
	}{{"roi.costs.per_participant", c.PerParticipant}, {"roi.costs.participant_hours", c.ParticipantHours},
		{"roi.costs.loaded_hourly_rate", c.LoadedHourlyRate}, {"roi.costs.facilitation", c.Facilitation},
		{"roi.costs.design_development", c.DesignDevelopment}, {"roi.costs.evaluation", c.Evaluation},
		{"roi.costs.overhead", c.Overhead}, {"roi.costs.fixed", c.Fixed}} {
		if k.v < 0 || math.IsNaN(k.v) || math.IsInf(k.v, 0) {
			bad(k.key, "must be a cost of 0 or more")
		}
	}
	if (c.ParticipantHours > 0) != (c.LoadedHourlyRate > 0) {
		bad("roi.costs.participant_hours", "participant_hours and loaded_hourly_rate go together: participants' time costs hours x rate")
	}
	for m, v := range cfg.ROI.Values {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			bad("roi.values."+m, "must be a money value of 0 or more")
		}
	}
	for _, f := range cfg.Report.Formats {
		switch f {
		case "html", "pdf", "md", "json", "csv":
		default:
			bad("report.formats", fmt.Sprintf("unknown format %q (html, pdf, md, json, csv)", f))
		}
	}
	if !slices.Contains(PageSizes, cfg.Report.PageSize) {
		bad("report.page_size", fmt.Sprintf("unknown page size %q (%s)", cfg.Report.PageSize, strings.Join(PageSizes, ", ")))
	}
}

// validatePaths refuses a warehouse the pipeline could overwrite with its private files, or
// publish into its private folder: the working database itself, or any path inside state_dir
// (which is 0700 and holds real names; staging happens there).
func (d *decoder) validatePaths(cfg *Config) {
	if cfg.Warehouse == "" || cfg.StateDir == "" {
		return
	}
	dir := filepath.Dir(cfg.Path)
	abs := func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		return filepath.Clean(p)
	}
	wh, state := abs(cfg.Warehouse), abs(cfg.StateDir)
	switch rel, err := filepath.Rel(state, wh); {
	case wh == filepath.Join(state, "work.duckdb"):
		d.add(d.lineOf("warehouse"), "warehouse", fmt.Sprintf("%s is the working database (state_dir/work.duckdb): publish to another path", cfg.Warehouse))
	case wh == state || (err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))):
		d.add(d.lineOf("warehouse"), "warehouse", fmt.Sprintf("%s is inside state_dir %s, the pipeline's private folder: analysts could not open it, and staging files live there", cfg.Warehouse, cfg.StateDir))
	}
}

// resolvePaths makes relative paths relative to the config file's folder.
func (c *Config) resolvePaths() {
	if c.Path == "" {
		return
	}
	dir := filepath.Dir(c.Path)
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Warehouse)
	abs(&c.StateDir)
	abs(&c.People.Teams)
	abs(&c.People.Cohorts)
	abs(&c.People.Identities)
	abs(&c.People.Assessments)
	abs(&c.People.Surveys)
	abs(&c.Report.OutDir)
}
