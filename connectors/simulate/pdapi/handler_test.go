package pdapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/PagerDuty/go-pagerduty"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/connectors/simulate/pdapi"
)

var (
	orgOnce  sync.Once
	smallOrg *org.Org
)

func testOrg() *org.Org {
	orgOnce.Do(func() { smallOrg = org.Generate(org.Params{Seed: 1, Size: org.Small}) })
	return smallOrg
}

func serve(t *testing.T) (*pagerduty.Client, *org.Org, *httptest.Server) {
	t.Helper()
	o := testOrg()
	srv := httptest.NewServer(nil)
	srv.Config.Handler = pdapi.New(o, apicommon.FixedClock(o.Now), apicommon.Config{BaseURL: srv.URL, PagerDutyToken: "tok"})
	t.Cleanup(srv.Close)
	return pagerduty.NewClient("tok", pagerduty.WithAPIEndpoint(srv.URL)), o, srv
}

func TestAuth(t *testing.T) {
	_, _, srv := serve(t)
	bad := pagerduty.NewClient("wrong", pagerduty.WithAPIEndpoint(srv.URL))
	_, err := bad.ListAbilitiesWithContext(context.Background())
	var ae pagerduty.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || !ae.APIError.Valid || ae.APIError.ErrorObject.Code != 2006 {
		t.Fatalf("want 401 with code 2006, got %v", err)
	}
}

// TestIncidentsMatchOrg lists every incident with the library's own pagination and compares with
// the organisation as of now.
func TestIncidentsMatchOrg(t *testing.T) {
	c, o, _ := serve(t)
	ctx := context.Background()
	truth := o.Truth(o.Now).Counts
	seen := map[string]bool{}
	resolved := 0
	// Six-month windows from the start of the span.
	for since := o.Start.AddDate(0, -1, 0); since.Before(o.Now.Add(time.Second)); since = since.AddDate(0, 6, 0) {
		until := since.AddDate(0, 6, 0)
		for off := uint(0); ; off += 100 {
			r, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{Since: since.Format(time.RFC3339),
				Until: until.Format(time.RFC3339), Limit: 100, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range r.Incidents {
				if seen[in.ID] {
					t.Fatalf("incident %s listed twice", in.ID)
				}
				seen[in.ID] = true
				if in.Status == "resolved" {
					resolved++
					if in.ResolvedAt == "" {
						t.Fatalf("resolved incident %s without resolved_at", in.ID)
					}
				} else if in.ResolvedAt != "" {
					t.Fatalf("open incident %s with resolved_at", in.ID)
				}
			}
			if !r.More {
				break
			}
		}
	}
	if len(seen) != truth.Incidents || resolved != truth.IncidentsResolved {
		t.Fatalf("listed %d incidents (%d resolved), truth %d (%d)", len(seen), resolved, truth.Incidents, truth.IncidentsResolved)
	}
}

func TestLogEntriesMatchOrg(t *testing.T) {
	c, o, _ := serve(t)
	ctx := context.Background()
	truth := o.Truth(o.Now).Counts
	byType := map[string]int{}
	for since := o.Start.AddDate(0, -1, 0); since.Before(o.Now.Add(time.Second)); since = since.AddDate(0, 1, 0) {
		for off := uint(0); ; off += 100 {
			r, err := c.ListLogEntriesWithContext(ctx, pagerduty.ListLogEntriesOptions{Since: since.Format(time.RFC3339),
				Until: since.AddDate(0, 1, 0).Format(time.RFC3339), Limit: 100, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range r.LogEntries {
				byType[e.Type]++
			}
			if !r.More {
				break
			}
		}
	}
	for ty, n := range truth.LogEntriesByType {
		if byType[ty] != n {
			t.Errorf("%s: listed %d, truth %d", ty, byType[ty], n)
		}
	}
	if len(byType) != len(truth.LogEntriesByType) {
		t.Errorf("types %v, truth %v", byType, truth.LogEntriesByType)
	}
}

func TestLimits(t *testing.T) {
	c, o, _ := serve(t)
	ctx := context.Background()
	var ae pagerduty.APIError
	_, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{Since: o.Now.AddDate(0, -7, 0).Format(time.RFC3339),
		Until: o.Now.Format(time.RFC3339)})
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.APIError.ErrorObject.Code != 2005 {
		t.Fatalf("7-month range: want 400/2005, got %v", err)
	}
	_, err = c.ListLogEntriesWithContext(ctx, pagerduty.ListLogEntriesOptions{Offset: 9950, Limit: 100})
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.APIError.ErrorObject.Code != 2001 {
		t.Fatalf("offset cap: want 400/2001, got %v", err)
	}
	r, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{DateRange: "all", Limit: 500, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Limit != 100 || len(r.Incidents) != 100 || int(r.Total) != o.Truth(o.Now).Counts.Incidents || !r.More {
		t.Fatalf("limit clamp/total: limit %d, %d items, total %d more %v", r.Limit, len(r.Incidents), r.Total, r.More)
	}
}

func TestTotalNullByDefault(t *testing.T) {
	_, o, srv := serve(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/log_entries?limit=1&since="+o.Now.AddDate(0, 0, -7).Format(time.RFC3339), nil)
	req.Header.Set("Authorization", "Token token=tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if string(page["total"]) != "null" || string(page["more"]) != "true" {
		t.Fatalf("total %s more %s", page["total"], page["more"])
	}
}

func TestIncidentAndIncludes(t *testing.T) {
	c, o, _ := serve(t)
	ctx := context.Background()
	var in *org.Incident
	for _, x := range o.IncidentsUpTo(o.Now) {
		if x.Escalated(o.Now) && !x.ResolvedAt.IsZero() && !x.ResolvedAt.After(o.Now) {
			in = x
			break
		}
	}
	if in == nil {
		t.Fatal("no resolved escalated incident")
	}
	got, err := c.GetIncidentWithContext(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "resolved" || got.ResolvedAt != apicommon.Time(in.ResolvedAt) || got.IncidentKey != in.IncidentKey ||
		got.Service.ID != in.Service.ID || len(got.Teams) != 1 || got.Teams[0].ID != in.Teams[0].PagerDutyID {
		t.Fatalf("incident %+v", got)
	}
	// A moment before resolution it is still open, without resolved_at.
	h := pdapi.New(o, apicommon.FixedClock(in.ResolvedAt.Add(-time.Second)), apicommon.Config{PagerDutyToken: "tok"})
	req := httptest.NewRequest(http.MethodGet, "/incidents/"+in.ID, nil)
	req.Header.Set("Authorization", "Token token=tok")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var early struct{ Incident pagerduty.Incident }
	if err := json.Unmarshal(rec.Body.Bytes(), &early); err != nil {
		t.Fatal(err)
	}
	if early.Incident.Status == "resolved" || early.Incident.ResolvedAt != "" {
		t.Fatalf("before resolution: %s %q", early.Incident.Status, early.Incident.ResolvedAt)
	}
	r, err := c.ListLogEntriesWithContext(ctx, pagerduty.ListLogEntriesOptions{Since: in.CreatedAt.Format(time.RFC3339),
		Until: in.CreatedAt.Add(time.Second).Format(time.RFC3339), Includes: []string{"incidents"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range r.LogEntries {
		if e.Incident.ID == in.ID {
			found = true
			if e.Type != "trigger_log_entry" || e.Incident.Status != "resolved" || e.Incident.IncidentKey != in.IncidentKey {
				t.Fatalf("entry %s %+v", e.Type, e.Incident)
			}
		}
	}
	if !found {
		t.Fatal("trigger entry not listed")
	}
	if _, err := c.GetIncidentWithContext(ctx, "QNOPE"); err == nil {
		t.Fatal("unknown incident should be 404")
	}
}
