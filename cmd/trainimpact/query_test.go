package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// TestQueryReachesNothingBeyondTheFile: named queries that install an extension, read a URL or a
// local file, write a file or switch external access back on all fail with exit code 2 and a
// message saying named queries read only the database; an ordinary named query still runs; `sql`
// keeps local files (reading a CSV, exporting one) but fetches no extension.
func TestQueryReachesNothingBeyondTheFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "impact.duckdb")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	local := filepath.Join(dir, "people.csv")
	os.WriteFile(local, []byte("a\n1\n2\n"), 0o600)
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("a\n1\n"))
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	out := filepath.Join(dir, "out.csv")
	named := map[string]string{
		"install_httpfs": "INSTALL httpfs",
		"load_httpfs":    "LOAD httpfs",
		"read_url":       "SELECT * FROM read_csv('" + srv.URL + "/x.csv')",
		"read_file":      "SELECT * FROM read_csv('" + local + "')",
		"write_file":     "COPY (SELECT 1) TO '" + out + "'",
		"set_external":   "SET enable_external_access = true",
		"set_autoload":   "SET autoinstall_known_extensions = true",
		"ok_count":       "SELECT count(*) AS n FROM schema_migrations",
	}
	fsys := fstest.MapFS{}
	for name, q := range named {
		fsys["examples/"+name+".sql"] = &fstest.MapFile{Data: []byte("-- name: " + name + "\n-- description: d\n" + q + "\n")}
	}
	run := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &e}, Now: time.Now,
			LookupEnv: func(string) (string, bool) { return "", false },
			Queries:   func() (*queries.Catalog, error) { return queries.Load(fsys) }}
		code := Main(args, f)
		return code, o.String() + e.String()
	}
	for name := range named {
		if name == "ok_count" {
			continue
		}
		code, msg := run("query", name, "--db", db)
		if code != ExitUsage || !strings.Contains(msg, "named queries read only the database file") {
			t.Errorf("query %s: exit %d, want %d with a clear message:\n%s", name, code, ExitUsage, msg)
		}
	}
	if code, msg := run("query", "ok_count", "--db", db, "--format", "csv"); code != ExitOK || !strings.HasPrefix(msg, "n\n") {
		t.Errorf("ordinary named query: exit %d\n%s", code, msg)
	}
	if hits.Load() != 0 {
		t.Errorf("named queries reached the HTTP server %d times", hits.Load())
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a named query wrote %s", out)
	}

	// sql: local files yes, extensions no.
	if code, msg := run("sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM read_csv('"+local+"')"); code != ExitOK || msg != "n\n2\n" {
		t.Errorf("sql reading a local CSV: exit %d\n%q", code, msg)
	}
	if code, msg := run("sql", "--db", db, "COPY (SELECT 42 AS x) TO '"+out+"' (HEADER)"); code != ExitOK {
		t.Errorf("sql exporting a CSV: exit %d\n%s", code, msg)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "x\n42\n" {
		t.Errorf("exported CSV: %q %v", b, err)
	}
	if code, msg := run("sql", "--db", db, "INSTALL httpfs"); code != ExitUsage {
		t.Errorf("sql INSTALL httpfs: exit %d, want %d\n%s", code, ExitUsage, msg)
	}
	if code, msg := run("sql", "--db", db, "SELECT * FROM read_csv('"+srv.URL+"/x.csv')"); code != ExitUsage {
		t.Errorf("sql reading a URL: exit %d, want %d\n%s", code, ExitUsage, msg)
	}
	if hits.Load() != 0 {
		t.Errorf("sql reached the HTTP server %d times", hits.Load())
	}
	// --help says what each allows.
	_, help := run("sql", "--help")
	if !strings.Contains(help, "local files") || !strings.Contains(help, "autoinstall_known_extensions=false") {
		t.Errorf("sql --help does not say what it allows:\n%s", help)
	}
	_, help = run("query", "--help")
	if !strings.Contains(help, "enable_external_access=false") {
		t.Errorf("query --help does not say what it refuses:\n%s", help)
	}
}
