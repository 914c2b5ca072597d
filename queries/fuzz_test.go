package queries

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzCatalogHeader checks the catalog's header parser (a metric file and an example file, then
// binding the example with one value for every parameter) on any text (corpus:
// testdata/fuzz/FuzzCatalogHeader): no panic; errors are the package's typed errors, located on a
// line of the file; a loaded metric holds only allowed values.
func FuzzCatalogHeader(f *testing.F) {
	f.Add(goodMetric, "-- name: e\n-- description: d\n-- param: x (int) = 3: c\nSELECT $x, ?", "7")
	f.Add("-- metric: m1 -- inline\n-- title: t\r\n-- kind: count\n-- better: higher\n-- unit: count\n-- family: f\n-- source: s\nselect 1",
		"-- name: e\n-- description: d\n-- param: d (date): day\n-- param: t (timestamp) = 2025-01-01T00:00:00Z: ts\nSELECT $d, '$t', \"$x\" /* $y */ -- $z\n", "2025-02-30")
	f.Add("\n\n--\n--metric:m1\n", "-- name: e\n-- description: d\n-- param: b (bool): b\nSELECT 'unterminated $b", "true")
	f.Fuzz(func(t *testing.T, metric, example, value string) {
		c, err := Load(fstest.MapFS{"metrics/m1.sql": {Data: []byte(metric)}, "examples/e.sql": {Data: []byte(example)}})
		if err != nil {
			if c != nil {
				t.Fatal("a catalog returned with an error")
			}
			if !errors.Is(err, ErrBadHeader) && !errors.Is(err, ErrBadName) && !errors.Is(err, ErrDuplicate) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			var he *HeaderError
			if errors.As(err, &he) {
				body := metric
				if strings.HasPrefix(he.File, "examples/") {
					body = example
				}
				if he.Line < 0 || he.Line > 1+strings.Count(body, "\n") {
					t.Fatalf("header error off the file: %+v", he)
				}
			}
			return
		}
		m := c.Metrics[0]
		if m.Name != "m1" || m.Title == "" || m.Family == "" || m.Source == "" ||
			(m.Kind != KindDuration && m.Kind != KindProportion && m.Kind != KindCount) || (m.Better != "lower" && m.Better != "higher") {
			t.Fatalf("bad metric loaded: %+v", m)
		}
		e := c.Examples[0]
		values := map[string]string{}
		for _, p := range e.Params {
			if p.Name == "" || p.Type == "" || p.Description == "" {
				t.Fatalf("bad param %+v", p)
			}
			values[p.Name] = value
		}
		for _, vs := range []map[string]string{values, nil} {
			q, args, err := e.Bind(vs)
			if err != nil {
				if !errors.Is(err, ErrBadParam) {
					t.Fatalf("bind: untyped error %T: %v", err, err)
				}
				continue
			}
			if strings.Count(q, "?") < len(args) {
				t.Fatalf("%d arguments for %q", len(args), q)
			}
		}
	})
}
