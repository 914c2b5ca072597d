package people

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// BenchmarkImportMedium imports the Medium simulator's teams.csv and cohorts.csv into a fresh
// database (validation, diff and one-transaction write).
func BenchmarkImportMedium(b *testing.B) {
	o := org.Generate(org.Params{Seed: 1, Size: org.Medium})
	teams, cohorts, _ := simFiles(b, o)
	rows := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := openTemp(b)
		b.StartTimer()
		res, err := ImportFiles(context.Background(), st, []File{{KindTeams, teams}, {KindCohorts, cohorts}}, ImportOptions{Now: o.Now})
		if err != nil {
			b.Fatal(err)
		}
		rows = res[0].Rows + res[1].Rows
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkImportLarge imports a valid teams file of about 10 MiB (about 184,000 memberships).
func BenchmarkImportLarge(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("person_email,team,role,valid_from,valid_to\n")
	n := 0
	for sb.Len() < 10<<20 {
		n++
		fmt.Fprintf(&sb, "person%07d@acme.example,team-%05d,member,2024-01-01,\n", n, n%5000)
	}
	p := writeFile(b, b.TempDir(), "teams.csv", sb.String())
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := openTemp(b)
		b.StartTimer()
		if _, err := Import(context.Background(), st, KindTeams, p, ImportOptions{Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "rows")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
