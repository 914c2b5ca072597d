package jira

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/internal/rowcheck"
	"github.com/trainimpact/trainimpact/models"
)

// jqlZones are the user time zones the JQL fuzz target picks from: the usual, the half- and
// quarter-hour ones, the far ones on both sides of the date line, and DST zones of both hemispheres.
var jqlZones = []string{"UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu",
	"Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns", "Australia/Adelaide",
	"America/Santiago", "Europe/London", "Pacific/Chatham", "Africa/Casablanca"}

var jqlDate = regexp.MustCompile(`updated >= "([0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2})" ORDER BY updated ASC, key ASC$`)

// readings returns every instant that the wall time w (layout jqlLayout) names in loc: one,
// none in a spring-forward gap, two in a fall-back hour.
func readings(w string, loc *time.Location, near time.Time) []time.Time {
	wall, err := time.Parse(jqlLayout, w)
	if err != nil {
		return nil
	}
	var out []time.Time
	seen := map[int]bool{}
	for _, d := range []time.Duration{-48 * time.Hour, -3 * time.Hour, 0, 3 * time.Hour, 48 * time.Hour} {
		_, off := near.Add(d).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		u := wall.Add(-time.Duration(off) * time.Second)
		if u.In(loc).Format(jqlLayout) == w {
			out = append(out, u)
		}
	}
	return out
}

// FuzzJQLDate checks the updated-since clause of the search (corpus: testdata/fuzz/FuzzJQLDate):
// the cursor comes from an issue's updated field as Jira writes it, the user's time zone from a
// list or a fixed offset. The clause must be a date Jira reads (yyyy/MM/dd HH:mm) and, however
// Jira reads that wall time in the zone (twice in a fall-back hour), no later than the cursor and
// less than a day before it.
func FuzzJQLDate(f *testing.F) {
	f.Add("2026-01-05T07:30:59.000-0800", uint8(1), int32(0), "project in (PAY, OPS)")
	f.Add("2025-11-02T08:30:00.000+0000", uint8(1), int32(0), "")
	f.Add("2025-10-26T01:30:00.000+0000", uint8(2), int32(0), "")
	f.Add("2025-04-06T02:45:00.000+1100", uint8(5), int32(0), "")
	f.Add("1969-12-31T23:59:59.999-0100", uint8(0), int32(0), "")
	f.Add("9999-12-31T23:59:59.999-2359", uint8(255), int32(-86399), "")
	f.Add("2024-02-29T00:00:00Z", uint8(255), int32(20700), "x ORDER BY key")
	f.Fuzz(func(t *testing.T, updated string, zone uint8, offset int32, jql string) {
		since, err := parseTime(updated)
		if err != nil {
			return
		}
		loc := time.FixedZone("fixed", int(offset%(26*3600)))
		if int(zone) < len(jqlZones) {
			if loc, err = time.LoadLocation(jqlZones[zone]); err != nil {
				t.Skip("zone database without", jqlZones[zone])
			}
		}
		s := &Source{cfg: Config{JQL: jql}}
		q := s.buildJQL(since, loc)
		m := jqlDate.FindStringSubmatch(q)
		if m == nil {
			t.Fatalf("no yyyy/MM/dd HH:mm clause at the end of %q", q)
		}
		if strings.TrimSpace(jql) != "" && !strings.HasPrefix(q, "("+strings.TrimSpace(jql)+") AND ") {
			t.Fatalf("configured JQL not kept in front: %q", q)
		}
		floor := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		near := since // the instant the clause was written from, within the years JQL writes
		if near.Before(floor) {
			near = floor
		}
		rs := readings(m[1], loc, near)
		if len(rs) == 0 {
			t.Fatalf("%q names no instant in %s", m[1], loc)
		}
		ref := since // the cursor, within the years JQL writes
		if hi := time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC); ref.After(hi) {
			ref = hi
		}
		for _, r := range rs {
			if since.After(floor) && (r.After(since) || ref.Sub(r) >= 24*time.Hour) {
				t.Fatalf("cursor %s, zone %s: %q can be read as %s", since, loc, m[1], r)
			}
		}
	})
}

// FuzzJiraMap checks Map on malformed payloads (corpus: testdata/fuzz/FuzzJiraMap): an issue, a
// changelog history and a field record built from the fuzzed bytes. No panic; with an error, no
// row counts (the caller writes nothing); without, every row has its keys and a ticket its creation.
func FuzzJiraMap(f *testing.F) {
	f.Add([]byte(`{"id":"10001","key":"PAY-1","fields":{"project":{"key":"PAY"},"issuetype":{"name":"Bug"},"status":{"id":"3","name":"Done","statusCategory":{"key":"done"}},"priority":{"name":"High"},"assignee":{"accountId":"5b1","emailAddress":"Ada@x.example","displayName":"Ada","accountType":"atlassian"},"reporter":null,"created":"2025-03-04T05:06:07.000-0800","updated":"2025-03-05T05:06:07.000+1345","resolutiondate":"2025-03-05T05:06:07.000-0800","duedate":"2025-03-10","labels":["escalated"],"customfield_10010":{"value":"x"}},"changelog":{"histories":[{"id":"1","author":{"key":"JIRAUSER1","name":"ada"},"created":"2025-03-04T06:00:00.000+0000","items":[{"field":"assignee","fieldId":"assignee","from":null,"to":"5b1","toString":"Ada"},{"field":"Status","from":"1","to":"3"}]}]}}`),
		[]byte(`{"id":"2","created":"2025-03-04T05:06:07.000-0800","author":null,"items":[{"field":"priority","from":"3","to":"2"}]}`))
	f.Add([]byte(`{"id":"10002","key":"","fields":{"created":"","labels":null}}`), []byte(`{"id":"3","created":"2025-13-01T00:00:00.000+0000"}`))
	f.Add([]byte(`{"id":10003,"fields":[]}`), []byte(`null`))
	f.Add([]byte(`{"id":"10004","key":"A-1","fields":{"created":"2025-03-04T05:06:07.000+2500","duedate":"2025-02-30","status":{"statusCategory":null}}}`), []byte(`{"items":[{"fieldId":"labels","to":null}]}`))
	f.Fuzz(func(t *testing.T, issue, history []byte) {
		s := &Source{cfg: Config{CustomFields: []string{"Team", "customfield_10010"}}, fieldIDs: map[string]string{}}
		raws := []models.RawRecord{
			{Source: Name, Entity: entityField, NativeID: "f", Payload: []byte(`{"id":"customfield_10020","name":"Team"}`)},
			{Source: Name, Entity: entityIssue, NativeID: "10001", Payload: issue},
			{Source: Name, Entity: entityChangelog, NativeID: "10001:2", Scope: "10001", Payload: history},
		}
		var rows []models.Row
		for _, batch := range [][]models.RawRecord{raws[:2], raws[2:]} { // the issue and the history apart
			var one []models.Row
			if err := s.Map(context.Background(), batch, func(r models.Row) error { one = append(one, r); return nil }); err != nil {
				if !strings.HasPrefix(err.Error(), "jira: ") {
					t.Fatalf("error without context: %v", err)
				}
				continue
			}
			rows = append(rows, one...)
		}
		checkRows(t, rows)
		for _, r := range rows {
			switch v := r.(type) {
			case models.Ticket:
				if v.NativeID == "" || v.CreatedAt.IsZero() {
					t.Fatalf("ticket without id or creation: %+v", v)
				}
			case models.TicketChange:
				if v.TicketID == "" || v.ChangedAt.IsZero() || !changeFields[v.Field] {
					t.Fatalf("bad change %+v", v)
				}
			case models.Account:
				if v.NativeID == "" {
					t.Fatalf("account without id %+v", v)
				}
			}
		}
	})
}

func checkRows(t *testing.T, rows []models.Row) {
	t.Helper()
	for _, r := range rows {
		if err := rowcheck.Check(r); err != nil {
			t.Fatal(err)
		}
	}
}
