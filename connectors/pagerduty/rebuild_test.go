package pagerduty_test

import (
	"context"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/pagerduty"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// rebuild clears the connector's canonical rows, maps every stored raw record again and derives.
func rebuild(t *testing.T, d *db, c *pagerduty.Connector) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.st.DB().Query(`SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
		FROM raw_records WHERE source = 'pagerduty' ORDER BY entity DESC, native_id`)
	if err != nil {
		t.Fatal(err)
	}
	raws, err := sink.ScanRaw(rows)
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Row
	if err := c.Map(ctx, raws, func(r models.Row) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	err = d.st.Write(ctx, func(w *store.Writer) error {
		for _, q := range []string{`DELETE FROM incidents WHERE source = 'pagerduty'`,
			`DELETE FROM incident_events WHERE event_id LIKE 'pagerduty:%'`, `DELETE FROM accounts WHERE source = 'pagerduty'`} {
			if _, err := w.Exec(ctx, q); err != nil {
				return err
			}
		}
		return w.Upsert(ctx, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.sink.Derive(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func TestRebuildEqualsSync(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, testOrg(), simulate.Faults{})
	d := openDB(t)
	c := connector(t, srv, config(srv), nil)
	if err := syncOnce(ctx, t, c, d, connectors.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, d)
	if got := c.Products(); len(got) != 3 {
		t.Fatalf("products %v", got)
	}
	rebuild(t, d, c)
	if got := fingerprint(t, d); got != want {
		t.Fatal("rebuild from raw_records differs from the synced tables")
	}
}

// TestDeriveRules checks the timeline rules on a hand-written incident: resolved_at from the
// resolve entry when the payload has none, reassignments only for assign entries that change the
// assignee, escalations counted apart, first responder and resolver.
func TestDeriveRules(t *testing.T) {
	ctx := context.Background()
	d := openDB(t)
	c, err := pagerduty.New(&pagerduty.Config{BaseURL: "http://127.0.0.1:1", TokenEnv: "X", Since: connectors.Date{Time: time.Unix(0, 0)}}, connectors.Env{})
	if err != nil {
		t.Fatal(err)
	}
	raw := func(entity, id, payload string) models.RawRecord {
		return models.RawRecord{Source: "pagerduty", Entity: entity, NativeID: id, Payload: []byte(payload), FetchedAt: time.Now()}
	}
	u := func(id string) string { return `{"id":"` + id + `","type":"user_reference","summary":"x"}` }
	svc := `{"id":"PSV1","type":"service_reference","summary":"S"}`
	le := func(id, typ, at, agent, assignees string) models.RawRecord {
		p := `{"id":"` + id + `","type":"` + typ + `_log_entry","created_at":"` + at + `","agent":` + agent +
			`,"incident":{"id":"Q1","type":"incident_reference"},"service":` + svc
		if assignees != "" {
			p += `,"assignees":[` + assignees + `]`
		}
		return raw(pagerduty.EntityLogEntry, id, p+"}")
	}
	raws := []models.RawRecord{
		raw(pagerduty.EntityIncident, "Q1", `{"id":"Q1","type":"incident","incident_number":1,"title":"t","status":"resolved",
			"urgency":"high","created_at":"2025-01-01T00:00:00Z","last_status_change_at":"2025-01-01T05:00:00Z",
			"service":`+svc+`,"teams":[{"id":"PT1","type":"team_reference"}],"priority":null,"assignments":[],"acknowledgements":[]}`),
		le("R1", "trigger", "2025-01-01T00:00:00Z", svc, u("PA")),
		le("R2", "notify", "2025-01-01T00:00:10Z", svc, ""),
		le("R3", "escalate", "2025-01-01T00:10:00Z", svc, u("PB")),
		le("R4", "acknowledge", "2025-01-01T00:20:00Z", u("PB"), ""),
		le("R5", "assign", "2025-01-01T01:00:00Z", u("PB"), u("PC")),
		le("R6", "assign", "2025-01-01T01:30:00Z", u("PC"), u("PC")),
		le("R7", "acknowledge", "2025-01-01T02:00:00Z", u("PC"), ""),
		le("R8", "resolve", "2025-01-01T03:00:00Z", u("PC"), ""),
	}
	var rows []models.Row
	if err := c.Map(ctx, raws, func(r models.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.sink.Commit(ctx, connectors.Batch{Entity: "x", Raw: raws, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := d.sink.Derive(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var ack, res time.Time
	var esc, reas int
	var first, resolver, assignee, team string
	err = d.st.DB().QueryRow(`SELECT acknowledged_at, resolved_at, escalation_count, reassignment_count, first_responder_account_id,
		resolver_account_id, assignee_account_id, source_team_id FROM incidents WHERE incident_id = 'pagerduty:incident:Q1'`).
		Scan(&ack, &res, &esc, &reas, &first, &resolver, &assignee, &team)
	if err != nil {
		t.Fatal(err)
	}
	if !ack.Equal(time.Date(2025, 1, 1, 0, 20, 0, 0, time.UTC)) || !res.Equal(time.Date(2025, 1, 1, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("acknowledged %v resolved %v", ack, res)
	}
	if esc != 1 || reas != 1 {
		t.Errorf("escalations %d reassignments %d, want 1 and 1", esc, reas)
	}
	if first != "pagerduty:account:PB" || resolver != "pagerduty:account:PC" || assignee != "pagerduty:account:PC" || team != "PT1" {
		t.Errorf("first %s resolver %s assignee %s team %s", first, resolver, assignee, team)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM accounts WHERE source = 'pagerduty'`); n != 3 {
		t.Errorf("%d accounts from the timeline, want 3", n)
	}
	var typ string
	if err := d.st.DB().QueryRow(`SELECT type FROM incident_events WHERE event_id = 'pagerduty:log_entry:R5'`).Scan(&typ); err != nil || typ != "assign" {
		t.Errorf("event type %q %v", typ, err)
	}
}
