package pagerduty

import (
	"context"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/internal/rowcheck"
	"github.com/trainimpact/trainimpact/models"
)

// FuzzPagerDutyMap checks Map on malformed payloads (corpus: testdata/fuzz/FuzzPagerDutyMap): a
// user, an incident and a log entry built from the fuzzed bytes, each mapped alone. No panic; with an error the
// caller writes nothing; without, every row passes rowcheck and has its id and its time.
func FuzzPagerDutyMap(f *testing.F) {
	f.Add([]byte(`{"id":"PU1","type":"user","name":"Ada","email":"ada@x.example"}`),
		[]byte(`{"id":"Q1","type":"incident","incident_number":7,"title":"t","status":"resolved","urgency":"high","created_at":"2025-03-04T05:06:07Z","updated_at":"2025-03-04T06:00:00+14:00","resolved_at":"2025-03-04T07:00:00-12:00","service":{"id":"S1","summary":"api"},"teams":[{"id":"T1"}],"priority":{"name":"","summary":"P1"},"assignments":[{"assignee":{"id":"PU1","type":"user_reference"}}]}`),
		[]byte(`{"id":"L1","type":"assign_log_entry","created_at":"2025-03-04T05:10:00.123456789+05:45","agent":{"id":"PU1","type":"user_reference"},"incident":{"id":"Q1"},"assignees":[{"id":"PU2","type":"user_reference"},{"id":"","type":"user"}]}`))
	f.Add([]byte(`{}`), []byte(`{"id":"Q2","created_at":""}`), []byte(`{"id":"L2","incident":null,"created_at":"2025-02-30T00:00:00Z"}`))
	f.Add([]byte(`null`), []byte(`{"id":7,"teams":{},"priority":"P1"}`), []byte(`{"assignees":null,"agent":null}`))
	f.Fuzz(func(t *testing.T, user, incident, entry []byte) {
		raws := []models.RawRecord{
			{Source: Source, Entity: EntityUser, NativeID: "PU1", Payload: user},
			{Source: Source, Entity: EntityIncident, NativeID: "Q1", Payload: incident},
			{Source: Source, Entity: EntityLogEntry, NativeID: "L1", Payload: entry},
		}
		var rows []models.Row
		for _, raw := range raws { // one at a time: each record's rows are checked whatever the others give
			var one []models.Row
			if err := (&Connector{}).Map(context.Background(), []models.RawRecord{raw}, func(r models.Row) error { one = append(one, r); return nil }); err != nil {
				if !strings.HasPrefix(err.Error(), "pagerduty: ") {
					t.Fatalf("error without context: %v", err)
				}
				continue
			}
			rows = append(rows, one...)
		}
		for _, r := range rows {
			if err := rowcheck.Check(r); err != nil {
				t.Fatal(err)
			}
			switch v := r.(type) {
			case models.Incident:
				if v.NativeID == "" || v.CreatedAt.IsZero() {
					t.Fatalf("incident without id or creation: %+v", v)
				}
			case models.IncidentEvent:
				if v.EventID == models.ID(Source, "log_entry", "") || v.IncidentID == models.ID(Source, "incident", "") || v.CreatedAt.IsZero() {
					t.Fatalf("event without id, incident or time: %+v", v)
				}
			case models.Account:
				if v.NativeID == "" {
					t.Fatalf("account without id: %+v", v)
				}
			}
		}
	})
}
