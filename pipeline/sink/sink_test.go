package sink

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// openStore opens a working database in a temporary folder, closed when the test ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestCommitCountsAndCursor(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s := New(st, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	raw := func(id, body string) models.RawRecord {
		return models.RawRecord{Source: "pagerduty", Entity: "incident", NativeID: id, Payload: []byte(body), FetchedAt: now}
	}
	key := connectors.CursorKey{Source: "pagerduty", Entity: "incident"}
	b := connectors.Batch{Entity: "incident",
		Raw:     []models.RawRecord{raw("A", `{"id": "A", "n": 1}`), raw("B", `{"id":"B"}`)},
		Cursors: []connectors.Cursor{{CursorKey: key, Since: now, ConfigHash: "h1"}}}
	c, err := s.Commit(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 2 || c.Updated != 0 {
		t.Fatalf("first commit %+v", c)
	}
	c, err = s.Commit(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Unchanged != 2 || c.New != 0 || c.Updated != 0 {
		var p string
		st.DB().QueryRow("SELECT payload::VARCHAR FROM raw_records WHERE native_id = 'A'").Scan(&p)
		t.Fatalf("same batch again %+v (stored %q)", c, p)
	}
	b.Raw[0] = raw("A", `{"id":"A","n":2}`)
	b.Raw[1].DeletedAt = now
	if c, err = s.Commit(ctx, b); err != nil || c.Updated != 1 || c.Deleted != 1 {
		t.Fatalf("changed batch %+v %v", c, err)
	}
	cur, ok, err := s.Cursor(ctx, key)
	if err != nil || !ok || !cur.Since.Equal(now) || cur.ConfigHash != "h1" {
		t.Fatalf("cursor %+v %v %v", cur, ok, err)
	}
	ids, err := s.LiveIDs(ctx, "pagerduty", "incident", "*")
	if err != nil || len(ids) != 1 || ids[0] != "A" {
		t.Fatalf("live ids %v %v", ids, err)
	}
	rr, err := s.Raw(ctx, "pagerduty", "incident", []string{"A", "B"})
	if err != nil || len(rr) != 2 || rr[1].DeletedAt.IsZero() {
		t.Fatalf("raw %+v %v", rr, err)
	}
	// Since: incremental from the cursor minus the overlap; full under another config hash.
	since, inc, err := connectors.Since(ctx, s, key, connectors.SyncOptions{ConfigHash: "h1"}, now.AddDate(-1, 0, 0))
	if err != nil || !inc || !since.Equal(now.Add(-time.Hour)) {
		t.Fatalf("since %v %v %v", since, inc, err)
	}
	if _, inc, _ := connectors.Since(ctx, s, key, connectors.SyncOptions{ConfigHash: "h2"}, now); inc {
		t.Fatal("a changed config hash still synced incrementally")
	}
	if tot := s.Totals()["pagerduty/incident"]; tot.New != 2 || tot.Unchanged != 2 {
		t.Fatalf("totals %+v", tot)
	}
}

// TestUnchangedPayloadWithHTMLCharacters: a payload with <, >, & and spaces (kept verbatim by the
// JSON column) is recognised as unchanged on the second commit.
func TestUnchangedPayloadWithHTMLCharacters(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s := New(st, nil)
	b := connectors.Batch{Entity: "issue", Raw: []models.RawRecord{{Source: "jira", Entity: "issue", NativeID: "1",
		Payload: []byte(`{"summary": "a <b> & c \u2028"}`), FetchedAt: time.Now()}}}
	if _, err := s.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	c, err := s.Commit(ctx, b)
	if err != nil || c.Unchanged != 1 {
		t.Fatalf("second commit %+v %v", c, err)
	}
}

// TestKnownAndStoredRecordsAgree commits through a sink that saw raw_records empty (it remembers
// what it wrote) and through a new sink on the same database (it looks records up): both count new,
// unchanged, updated and deleted records the same way, and a batch repeating a new id keeps the
// last payload without breaking the key.
func TestKnownAndStoredRecordsAgree(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	raw := func(id, body string) models.RawRecord {
		return models.RawRecord{Source: "jira", Entity: "issue", NativeID: id, Payload: []byte(body), FetchedAt: now}
	}
	first := New(st, nil)
	remembering := New(st, nil) // on another entity, forgets past two records
	remembering.trackMax = 2
	for round := 0; round < 2; round++ {
		b := connectors.Batch{Entity: "epic", Raw: []models.RawRecord{{Source: "jira", Entity: "epic", NativeID: "e1", Payload: []byte(`{}`), FetchedAt: now},
			{Source: "jira", Entity: "epic", NativeID: "e2", Payload: []byte(`{}`), FetchedAt: now},
			{Source: "jira", Entity: "epic", NativeID: "e3", Payload: []byte(`{}`), FetchedAt: now}}}
		c, err := remembering.Commit(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if round == 1 && (c.Unchanged != 3 || remembering.tracked["jira\x00epic"] != nil) {
			t.Errorf("past the limit: %+v, still remembered: %v", c, remembering.tracked["jira\x00epic"] != nil)
		}
	}
	c, err := first.Commit(ctx, connectors.Batch{Entity: "issue", Raw: []models.RawRecord{
		raw("1", `{"v": 1}`), raw("2", `{"v": 2}`), raw("1", `{"v": "last"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 3 {
		t.Errorf("first commit %+v, want 3 new", c)
	}
	var p string
	if err := st.DB().QueryRow(`SELECT payload::VARCHAR FROM raw_records WHERE native_id = '1'`).Scan(&p); err != nil || p != `{"v": "last"}` {
		t.Errorf("payload of the repeated id %q (%v), want the last one", p, err)
	}
	gone := raw("2", `{"v": 2}`)
	gone.DeletedAt = now
	next := []models.RawRecord{raw("1", `{"v": "last"}`), gone, raw("3", `{"v": 3}`)}
	for name, s := range map[string]*Sink{"known": first, "looked up": New(st, nil)} {
		err := st.Write(ctx, func(w *store.Writer) error {
			var cnt connectors.Counts
			fresh, changed, err := s.changedRaw(ctx, w, next, &cnt)
			if err != nil {
				return err
			}
			if cnt.Unchanged != 1 || cnt.Deleted != 1 || cnt.New != 1 || len(fresh) != 1 || len(changed) != 1 {
				t.Errorf("%s: counts %+v, %d fresh, %d changed; want 1 unchanged, 1 deleted, 1 new", name, cnt, len(fresh), len(changed))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := first.Commit(ctx, connectors.Batch{Entity: "issue", Raw: next}); err != nil {
		t.Fatal(err)
	}
	next[0] = raw("1", `{"v": "changed"}`)
	for name, s := range map[string]*Sink{"known": first, "looked up": New(st, nil)} {
		err := st.Write(ctx, func(w *store.Writer) error {
			var cnt connectors.Counts
			if _, _, err := s.changedRaw(ctx, w, next, &cnt); err != nil {
				return err
			}
			if cnt.Updated != 1 || cnt.Unchanged != 2 {
				t.Errorf("%s: counts %+v, want 1 updated and 2 unchanged", name, cnt)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
