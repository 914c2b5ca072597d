package pdapi_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/pdapi"
)

// benchPages serves full pages of path (100 items, date_range=all, walking the offsets) straight
// through the handler: the simulator's own cost per page, which the connector benchmarks pay on
// the same cores as the client.
func benchPages(b *testing.B, path string) {
	o := testOrg()
	h := pdapi.New(o, apicommon.FixedClock(o.Now), apicommon.Config{BaseURL: "http://127.0.0.1", PagerDutyToken: "tok"})
	bytes := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodGet, path+"?date_range=all&limit=100&offset="+strconv.Itoa(i%10*100), nil)
		r.Header.Set("Authorization", "Token token=tok")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", r.URL, w.Code, w.Body)
		}
		bytes += w.Body.Len()
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/page")
}

func BenchmarkIncidentsPage(b *testing.B)  { benchPages(b, "/incidents") }
func BenchmarkLogEntriesPage(b *testing.B) { benchPages(b, "/log_entries") }
