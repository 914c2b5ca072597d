package queries

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed metrics/*.sql views/*.sql examples/*.sql
var embedded embed.FS

// Kind is how a metric's values are analysed.
type Kind string

// Metric kinds.
const (
	// KindDuration: a time span (value in hours or minutes); open items are censored. Analysed as
	// mean log duration per cell, so effects read as percentage changes.
	KindDuration Kind = "duration"
	// KindProportion: value 0 or 1 per event; analysed as a share of events.
	KindProportion Kind = "proportion"
	// KindCount: a non-negative count per event; analysed as a per-event rate.
	KindCount Kind = "count"
)

// Metric is one metric of the catalog: its header fields and its SQL.
type Metric struct {
	Name   string // = file name without .sql
	Title  string
	Kind   Kind
	Better string // lower | higher
	Unit   string // hours | minutes | share | count
	Family string
	Source string
	Events string // optional: what one event is
	// Level is the metric's Kirkpatrick/Phillips evaluation level: LevelLearning (L2, what people
	// learned: assessments), LevelBehaviour (L3, how people work) or LevelImpact (L4, a business
	// outcome); the ROI and the report say which a figure is.
	Level string
	// Outcome is the DiD cell outcome of a duration (header key outcome, durations only):
	// restricted_mean_log (mean of ln min(value, Horizon) over the events at least Horizon old at
	// the cut-off, open ones counting at Horizon) or resolved_mean_log (mean ln value of the
	// resolved events only, the default). Horizon is in the metric's unit (header key horizon,
	// required with restricted_mean_log). Empty and 0 for other kinds.
	Outcome string
	Horizon float64
	Doc     string // prose lines of the header
	File    string
	SQL     string // the whole file, header included
}

// LowerIsBetter reports whether a decrease of the metric is an improvement.
func (m Metric) LowerIsBetter() bool { return m.Better == "lower" }

// Bind returns the metric's SQL with $cutoff rewritten to a positional placeholder, and its args.
func (m Metric) Bind(cutoff time.Time) (string, []any, error) {
	return bind(m.Name, m.SQL, []Param{{Name: "cutoff", Type: "timestamp"}}, map[string]any{"cutoff": cutoff.UTC()})
}

// View is one analyst view (or macro): a single CREATE OR REPLACE statement.
type View struct {
	Order int    // NN of the file name; views are created in increasing order
	Name  string // the name part of the file name (= the object it creates)
	Doc   string // prose lines of the header
	File  string
	SQL   string
}

// Param is one declared parameter of an example query.
type Param struct {
	Name        string
	Type        string // string | int | float | date | timestamp | bool
	Default     string // "" with HasDefault false means required
	HasDefault  bool
	Description string
}

// Example is a named query for `trainimpact query NAME`.
type Example struct {
	Name        string
	Description string
	Params      []Param
	Doc         string
	File        string
	SQL         string
}

// Bind checks values against the declared parameters (every required one given, no unknown one,
// each parsing as its type; defaults fill the rest) and returns the SQL with $key and ? rewritten
// to positional placeholders, and the arguments in order. Errors are *ParamError.
func (e Example) Bind(values map[string]string) (string, []any, error) {
	typed := map[string]any{}
	known := map[string]bool{}
	for _, p := range e.Params {
		known[p.Name] = true
	}
	for k := range values {
		if !known[k] {
			return "", nil, &ParamError{Query: e.Name, Param: k, Msg: fmt.Sprintf("not declared (declared: %s)", paramNames(e.Params))}
		}
	}
	for _, p := range e.Params {
		raw, ok := values[p.Name]
		if !ok {
			if !p.HasDefault {
				return "", nil, &ParamError{Query: e.Name, Param: p.Name, Msg: "required (pass --param " + p.Name + "=VALUE)"}
			}
			raw = p.Default
		}
		v, err := convert(p.Type, raw)
		if err != nil {
			return "", nil, &ParamError{Query: e.Name, Param: p.Name, Msg: err.Error()}
		}
		typed[p.Name] = v
	}
	return bind(e.Name, e.SQL, e.Params, typed)
}

func paramNames(ps []Param) string {
	if len(ps) == 0 {
		return "none"
	}
	n := make([]string, len(ps))
	for i, p := range ps {
		n[i] = p.Name
	}
	return strings.Join(n, ", ")
}

// Catalog is every embedded (or loaded) query file, parsed.
type Catalog struct {
	Metrics  []Metric  // sorted by name
	Views    []View    // sorted by Order, then name
	Examples []Example // sorted by name
}

// Default parses the embedded catalog. It fails only if a file in the repository is malformed,
// which the package's tests rule out.
func Default() (*Catalog, error) { return Load(embedded) }

// Metrics returns the embedded metric catalog, sorted by name.
func Metrics() ([]Metric, error) {
	c, err := Default()
	if err != nil {
		return nil, err
	}
	return c.Metrics, nil
}

// Views returns the embedded analyst views in creation order.
func Views() ([]View, error) {
	c, err := Default()
	if err != nil {
		return nil, err
	}
	return c.Views, nil
}

// Examples returns the embedded named queries, sorted by name.
func Examples() ([]Example, error) {
	c, err := Default()
	if err != nil {
		return nil, err
	}
	return c.Examples, nil
}

// Load parses the folders metrics/, views/ and examples/ of fsys (each may be absent). Any file
// that is not a .sql file following its folder's grammar, and any header problem, is an error.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{}
	files, err := readDir(fsys, "metrics")
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, f := range files {
		m, err := parseMetric(f.name, f.body)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[m.Name]; ok {
			return nil, &DuplicateError{Kind: "metric", Name: m.Name, First: prev, Again: m.File}
		}
		seen[m.Name] = m.File
		c.Metrics = append(c.Metrics, m)
	}
	sort.Slice(c.Metrics, func(i, j int) bool { return c.Metrics[i].Name < c.Metrics[j].Name })

	files, err = readDir(fsys, "views")
	if err != nil {
		return nil, err
	}
	seen = map[string]string{}
	for _, f := range files {
		v, err := parseView(f.name, f.body)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[v.Name]; ok {
			return nil, &DuplicateError{Kind: "view", Name: v.Name, First: prev, Again: v.File}
		}
		seen[v.Name] = v.File
		c.Views = append(c.Views, v)
	}
	sort.Slice(c.Views, func(i, j int) bool {
		if c.Views[i].Order != c.Views[j].Order {
			return c.Views[i].Order < c.Views[j].Order
		}
		return c.Views[i].Name < c.Views[j].Name
	})

	files, err = readDir(fsys, "examples")
	if err != nil {
		return nil, err
	}
	seen = map[string]string{}
	for _, f := range files {
		e, err := parseExample(f.name, f.body)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[e.Name]; ok {
			return nil, &DuplicateError{Kind: "example", Name: e.Name, First: prev, Again: e.File}
		}
		seen[e.Name] = e.File
		c.Examples = append(c.Examples, e)
	}
	sort.Slice(c.Examples, func(i, j int) bool { return c.Examples[i].Name < c.Examples[j].Name })
	return c, nil
}

// Metric returns the metric called name, or an *UnknownError.
func (c *Catalog) Metric(name string) (Metric, error) {
	for _, m := range c.Metrics {
		if m.Name == name {
			return m, nil
		}
	}
	known := make([]string, len(c.Metrics))
	for i, m := range c.Metrics {
		known[i] = m.Name
	}
	return Metric{}, &UnknownError{Kind: "metric", Name: name, Known: known}
}

// Example returns the named query called name, or an *UnknownError.
func (c *Catalog) Example(name string) (Example, error) {
	for _, e := range c.Examples {
		if e.Name == name {
			return e, nil
		}
	}
	known := make([]string, len(c.Examples))
	for i, e := range c.Examples {
		known[i] = e.Name
	}
	return Example{}, &UnknownError{Kind: "example", Name: name, Known: known}
}

// Execer runs a statement; *store.Writer satisfies it.
type Execer interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// CreateViews (re)creates every view and macro of the catalog, in order, through e. Each file is a
// CREATE OR REPLACE statement, so calling it again is harmless.
func (c *Catalog) CreateViews(ctx context.Context, e Execer) error {
	for _, v := range c.Views {
		if _, err := e.Exec(ctx, v.SQL); err != nil {
			return fmt.Errorf("queries: create view %s: %w", v.File, err)
		}
	}
	return nil
}

// CreateViews (re)creates the embedded views through e; see Catalog.CreateViews.
func CreateViews(ctx context.Context, e Execer) error {
	c, err := Default()
	if err != nil {
		return err
	}
	return c.CreateViews(ctx, e)
}

type file struct{ name, body string }

func readDir(fsys fs.FS, dir string) ([]file, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if _, statErr := fs.Stat(fsys, dir); statErr != nil {
			return nil, nil // folder absent: nothing of that kind
		}
		return nil, fmt.Errorf("queries: read %s: %w", dir, err)
	}
	var out []file
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if e.IsDir() {
			return nil, fmt.Errorf("%w: %s is a folder", ErrBadName, p)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("queries: read %s: %w", p, err)
		}
		out = append(out, file{name: p, body: string(b)})
	}
	return out, nil
}

// The file-name grammars.
var (
	plainName = regexp.MustCompile(`^(?:metrics|examples)/([a-z][a-z0-9_]*)\.sql$`)
	viewName  = regexp.MustCompile(`^views/([0-9]{2})_([a-z][a-z0-9_]*)\.sql$`)
	// headerLine is the one grammar of a header field: `-- key: value`, with an optional trailing
	// inline comment (` -- ...`) stripped from the value.
	headerLine = regexp.MustCompile(`^--\s*([a-z][a-z_]*):\s*(.*?)\s*(?:\s--.*)?$`)
	paramSpec  = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s*\((string|int|float|date|timestamp|bool)\)\s*(?:=\s*(\S+)\s*)?:\s*(.+)$`)
)

type field struct {
	key, value string
	line       int
}

// parseHeader splits the leading comment block into fields and prose. With allowed nil (views)
// every comment line is prose.
func parseHeader(file, body string, allowed map[string]bool, repeatable map[string]bool) (map[string]field, []field, string, error) {
	fields := map[string]field{}
	var repeated []field
	var doc []string
	for i, ln := range strings.Split(body, "\n") {
		ln = strings.TrimRight(ln, "\r")
		t := strings.TrimSpace(ln)
		if !strings.HasPrefix(t, "--") {
			if t == "" && len(fields) == 0 && len(doc) == 0 {
				continue
			}
			break
		}
		if m := headerLine.FindStringSubmatch(t); m != nil && allowed != nil {
			key, val := m[1], m[2]
			if !allowed[key] {
				return nil, nil, "", &HeaderError{File: file, Line: i + 1, Key: key, Msg: "unknown header key"}
			}
			if repeatable[key] {
				repeated = append(repeated, field{key, val, i + 1})
				continue
			}
			if _, dup := fields[key]; dup {
				return nil, nil, "", &HeaderError{File: file, Line: i + 1, Key: key, Msg: "given twice"}
			}
			fields[key] = field{key, val, i + 1}
			continue
		}
		doc = append(doc, strings.TrimSpace(strings.TrimPrefix(t, "--")))
	}
	return fields, repeated, strings.TrimSpace(strings.Join(doc, "\n")), nil
}

func require(file string, fields map[string]field, keys ...string) error {
	for _, k := range keys {
		if f, ok := fields[k]; !ok || f.value == "" {
			return &HeaderError{File: file, Key: k, Msg: "required"}
		}
	}
	return nil
}

func oneOf(file string, f field, allowed ...string) error {
	for _, a := range allowed {
		if f.value == a {
			return nil
		}
	}
	return &HeaderError{File: file, Line: f.line, Key: f.key, Msg: fmt.Sprintf("%q is not one of %s", f.value, strings.Join(allowed, ", "))}
}

var metricKeys = map[string]bool{"metric": true, "title": true, "kind": true, "better": true, "unit": true,
	"family": true, "source": true, "events": true, "level": true, "outcome": true, "horizon": true}

// Kirkpatrick/Phillips evaluation levels of a metric (header key level).
const (
	LevelLearning  = "L2" // learning: knowledge and skills, measured by assessments
	LevelBehaviour = "L3" // application and behaviour on the job
	LevelImpact    = "L4" // business impact
)

// Duration outcomes (header key outcome; see Metric.Outcome).
const (
	OutcomeRestrictedMeanLog = "restricted_mean_log"
	OutcomeResolvedMeanLog   = "resolved_mean_log"
)

func parseMetric(file, body string) (Metric, error) {
	m := plainName.FindStringSubmatch(file)
	if m == nil {
		return Metric{}, fmt.Errorf("%w: %s (want metrics/<name>.sql, name in [a-z0-9_])", ErrBadName, file)
	}
	fields, _, doc, err := parseHeader(file, body, metricKeys, nil)
	if err != nil {
		return Metric{}, err
	}
	if err := require(file, fields, "metric", "title", "kind", "better", "unit", "family", "source", "level"); err != nil {
		return Metric{}, err
	}
	if f := fields["metric"]; f.value != m[1] {
		return Metric{}, &HeaderError{File: file, Line: f.line, Key: "metric", Msg: fmt.Sprintf("%q does not match the file name %q", f.value, m[1])}
	}
	for _, c := range []struct {
		key     string
		allowed []string
	}{{"kind", []string{"duration", "proportion", "count"}}, {"better", []string{"lower", "higher"}},
		{"unit", []string{"hours", "minutes", "share", "count"}}, {"level", []string{LevelLearning, LevelBehaviour, LevelImpact}}} {
		if err := oneOf(file, fields[c.key], c.allowed...); err != nil {
			return Metric{}, err
		}
	}
	kind, unit := fields["kind"], fields["unit"].value
	if ok := (kind.value == "duration") == (unit == "hours" || unit == "minutes"); !ok ||
		(kind.value == "proportion" && unit != "share") || (kind.value == "count" && unit != "count") {
		return Metric{}, &HeaderError{File: file, Line: fields["unit"].line, Key: "unit", Msg: fmt.Sprintf("%q does not fit kind %s", unit, kind.value)}
	}
	if !strings.Contains(strings.ToUpper(body), "SELECT") {
		return Metric{}, &HeaderError{File: file, Msg: "no SELECT after the header"}
	}
	outcome, horizon, err := durationOutcome(file, kind.value, fields)
	if err != nil {
		return Metric{}, err
	}
	return Metric{Name: m[1], Title: fields["title"].value, Kind: Kind(kind.value), Better: fields["better"].value,
		Unit: unit, Family: fields["family"].value, Source: fields["source"].value, Events: fields["events"].value,
		Level: fields["level"].value, Outcome: outcome, Horizon: horizon, Doc: doc, File: file, SQL: body}, nil
}

// durationOutcome reads the header keys outcome and horizon: durations only; outcome
// restricted_mean_log needs a positive horizon (a number in the metric's unit), and
// resolved_mean_log, the default, takes none.
func durationOutcome(file, kind string, fields map[string]field) (string, float64, error) {
	o, hasO := fields["outcome"]
	h, hasH := fields["horizon"]
	if kind != "duration" {
		for _, f := range []struct {
			f   field
			has bool
		}{{o, hasO}, {h, hasH}} {
			if f.has {
				return "", 0, &HeaderError{File: file, Line: f.f.line, Key: f.f.key, Msg: "only duration metrics have one"}
			}
		}
		return "", 0, nil
	}
	if !hasO {
		o.value = OutcomeResolvedMeanLog
	} else if err := oneOf(file, o, OutcomeRestrictedMeanLog, OutcomeResolvedMeanLog); err != nil {
		return "", 0, err
	}
	if o.value == OutcomeResolvedMeanLog {
		if hasH {
			return "", 0, &HeaderError{File: file, Line: h.line, Key: "horizon", Msg: "only outcome restricted_mean_log takes a horizon"}
		}
		return o.value, 0, nil
	}
	if !hasH {
		return "", 0, &HeaderError{File: file, Line: o.line, Key: "horizon", Msg: "outcome restricted_mean_log needs a horizon (in the metric's unit)"}
	}
	v, err := strconv.ParseFloat(h.value, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return "", 0, &HeaderError{File: file, Line: h.line, Key: "horizon", Msg: fmt.Sprintf("%q is not a positive number", h.value)}
	}
	return o.value, v, nil
}

func parseView(file, body string) (View, error) {
	m := viewName.FindStringSubmatch(file)
	if m == nil {
		return View{}, fmt.Errorf("%w: %s (want views/NN_<name>.sql, name in [a-z0-9_])", ErrBadName, file)
	}
	_, _, doc, err := parseHeader(file, body, nil, nil)
	if err != nil {
		return View{}, err
	}
	order := int(m[1][0]-'0')*10 + int(m[1][1]-'0')
	if !regexp.MustCompile(`(?i)CREATE\s+OR\s+REPLACE\s+(?:VIEW|MACRO)\s+` + m[2] + `\b`).MatchString(body) {
		return View{}, &HeaderError{File: file, Msg: fmt.Sprintf("must CREATE OR REPLACE the view or macro %s", m[2])}
	}
	return View{Order: order, Name: m[2], Doc: doc, File: file, SQL: body}, nil
}

var exampleKeys = map[string]bool{"name": true, "description": true, "param": true}

func parseExample(file, body string) (Example, error) {
	m := plainName.FindStringSubmatch(file)
	if m == nil {
		return Example{}, fmt.Errorf("%w: %s (want examples/<name>.sql, name in [a-z0-9_])", ErrBadName, file)
	}
	fields, params, doc, err := parseHeader(file, body, exampleKeys, map[string]bool{"param": true})
	if err != nil {
		return Example{}, err
	}
	if err := require(file, fields, "name", "description"); err != nil {
		return Example{}, err
	}
	if f := fields["name"]; f.value != m[1] {
		return Example{}, &HeaderError{File: file, Line: f.line, Key: "name", Msg: fmt.Sprintf("%q does not match the file name %q", f.value, m[1])}
	}
	e := Example{Name: m[1], Description: fields["description"].value, Doc: doc, File: file, SQL: body}
	seen := map[string]bool{}
	for _, f := range params {
		p := paramSpec.FindStringSubmatch(f.value)
		if p == nil {
			return Example{}, &HeaderError{File: file, Line: f.line, Key: "param", Msg: "want `key (type): description` or `key (type) = default: description`, type string|int|float|date|timestamp|bool"}
		}
		if seen[p[1]] {
			return Example{}, &HeaderError{File: file, Line: f.line, Key: "param", Msg: fmt.Sprintf("%s declared twice", p[1])}
		}
		seen[p[1]] = true
		par := Param{Name: p[1], Type: p[2], Default: p[3], HasDefault: p[3] != "", Description: p[4]}
		if par.HasDefault {
			if _, err := convert(par.Type, par.Default); err != nil {
				return Example{}, &HeaderError{File: file, Line: f.line, Key: "param", Msg: fmt.Sprintf("default of %s: %v", par.Name, err)}
			}
		}
		e.Params = append(e.Params, par)
	}
	// Every $name used must be declared; checked by binding with placeholder values.
	dummy := map[string]any{}
	for _, p := range e.Params {
		dummy[p.Name] = nil
	}
	if _, _, err := bind(e.Name, e.SQL, e.Params, dummy); err != nil {
		return Example{}, &HeaderError{File: file, Key: "param", Msg: err.Error()}
	}
	return e, nil
}
