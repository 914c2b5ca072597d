package store

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestConnectionsFetchNoCode: every connection (writable, read-only, locked) has extension
// installs and community extensions off; a NoExternalAccess connection refuses every way out of
// its file — installing or loading an extension, reading a URL or another file, writing a file,
// attaching, changing a setting — with an error IsRestricted recognises, while an ordinary
// read-only connection still reads and writes local files (what `sql` offers analysts).
func TestConnectionsFetchNoCode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	local := filepath.Join(dir, "local.csv")
	if err := os.WriteFile(local, []byte("a\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var hits int
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++; w.Write([]byte("a\n1\n")) }))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	settings := func(st *Store) (auto, community, external, lock bool) {
		t.Helper()
		if err := st.DB().QueryRowContext(ctx, `SELECT current_setting('autoinstall_known_extensions'), current_setting('allow_community_extensions'),
			current_setting('enable_external_access'), current_setting('lock_configuration')`).Scan(&auto, &community, &external, &lock); err != nil {
			t.Fatal(err)
		}
		return
	}
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if a, c, _, _ := settings(w); a || c {
		t.Errorf("writable: autoinstall=%v community=%v", a, c)
	}
	w.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if a, c, e, l := settings(ro); a || c || !e || l {
		t.Errorf("read-only: autoinstall=%v community=%v external=%v lock=%v", a, c, e, l)
	}
	var n int
	if err := ro.DB().QueryRowContext(ctx, "SELECT count(*) FROM read_csv(?)", local).Scan(&n); err != nil || n != 1 {
		t.Errorf("read-only connection cannot read a local CSV: %d %v", n, err)
	}
	if _, err := ro.DB().ExecContext(ctx, "INSTALL httpfs"); err == nil {
		t.Error("read-only connection installed an extension")
	}
	ro.Close()

	st, err := OpenReadOnlyLocked(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if a, c, e, l := settings(st); a || c || e || !l {
		t.Errorf("locked: autoinstall=%v community=%v external=%v lock=%v", a, c, e, l)
	}
	out := filepath.Join(dir, "out.csv")
	for _, q := range []string{
		"INSTALL httpfs",
		"LOAD httpfs",
		"SELECT * FROM read_csv('" + srv.URL + "/x.csv')",
		"SELECT * FROM read_csv('" + local + "')",
		"COPY (SELECT 1) TO '" + out + "'",
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "'",
		"SET enable_external_access = true",
		"SET lock_configuration = false",
		"SET autoinstall_known_extensions = true",
		"SET allow_community_extensions = true",
	} {
		_, err := st.DB().ExecContext(ctx, q)
		if err == nil || !IsRestricted(err) {
			t.Errorf("%s: got %v, want a restricted error", q, err)
		}
	}
	if hits != 0 {
		t.Errorf("the locked connection reached the HTTP server %d times", hits)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the locked connection wrote %s", out)
	}
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		t.Errorf("the locked connection cannot read its own tables: %d %v", n, err)
	}
	if IsRestricted(errors.New("other")) {
		t.Error("IsRestricted on a plain error")
	}
}

// TestSettingsCheckedAfterOpen: a path that cuts the connection string short (a '#') is refused
// rather than opened without the settings.
func TestSettingsCheckedAfterOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a#b.duckdb")
	for _, p := range []string{path, path + "?access_mode=read_write"} {
		st, err := Open(context.Background(), p)
		if err == nil {
			st.Close()
			t.Fatalf("opened %s", p)
		}
		if !errors.Is(err, ErrSettings) {
			t.Errorf("%s: %v, want ErrSettings", p, err)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created", p)
		}
	}
}
