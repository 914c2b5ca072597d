package identity

import (
	"context"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

// BenchmarkResolveMedium resolves the accounts of the Medium simulator (about 300 employees).
func BenchmarkResolveMedium(b *testing.B) {
	ctx := context.Background()
	o := org.Generate(org.Params{Seed: 1, Size: org.Medium})
	tr := o.Truth(o.Now)
	st := storetest.Open(b)
	importOrg(b, st, o)
	rows := orgAccounts(b, o, tr)
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, rows) }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var res Result
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = Resolve(ctx, st, Options{MatchDisplayName: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Accounts), "accounts")
}
