package people

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

func openTemp(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "work.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fingerprint hashes every row of the people tables in a fixed order.
func fingerprint(t testing.TB, st *store.Store) string {
	t.Helper()
	h := sha256.New()
	for _, tbl := range []string{"people", "teams", "team_memberships", "cohorts", "enrollments", "identity_overrides", "imports", "accounts"} {
		rows, err := st.DB().Query(fmt.Sprintf("SELECT * FROM %s ORDER BY ALL", tbl))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s|%v\n", tbl, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// simFiles writes the simulator's teams.csv, cohorts.csv and identities.csv as of its Now.
func simFiles(t testing.TB, o *org.Org) (teams, cohorts, identities string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, fn func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	teams = write("teams.csv", func(b *bytes.Buffer) error { return o.WriteTeamsCSV(b, o.Now) })
	cohorts = write("cohorts.csv", func(b *bytes.Buffer) error { return o.WriteCohortsCSV(b, o.Now) })
	identities = write("identities.csv", func(b *bytes.Buffer) error { return o.WriteIdentitiesCSV(b) })
	return
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func lines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}
