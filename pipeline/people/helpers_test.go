package people

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

// fingerprint hashes every row of the people tables in a fixed order.
func fingerprint(t testing.TB, st *store.Store) string {
	t.Helper()
	var qs []string
	for _, tbl := range []string{"people", "teams", "team_memberships", "cohorts", "enrollments", "identity_overrides", "imports", "accounts"} {
		qs = append(qs, "SELECT * FROM "+tbl+" ORDER BY ALL")
	}
	return storetest.Fingerprint(t, st, qs...)
}

// openTemp and count are the shared store test helpers.
var (
	openTemp = storetest.Open
	count    = storetest.Count
)

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
