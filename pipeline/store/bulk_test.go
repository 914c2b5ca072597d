package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// tricky strings the staged file must carry exactly (NUL and invalid UTF-8 are tested separately:
// they send a batch to the appender).
var trickyText = []string{"plain", `with "quotes"`, "comma, here", "new\nline", "crlf\r\nend", `\N`, "NULL",
	"  padded  ", "ünïcødé ✓ 日本", "tab\tsep", `back\slash`, "'single'", "<a href='x'>&amp;</a>", "\u2028",
	"soh\x01quote\x01\x01x", "\x01"}

func tricky(i int) string { return trickyText[i%len(trickyText)] + fmt.Sprint(i) }

// opt returns "" (stored as NULL by nullString) for every third i.
func opt(i int) string {
	if i%3 == 0 {
		return ""
	}
	return tricky(i)
}

func ts(i int) time.Time {
	// Nanoseconds (truncated to microseconds by both paths), times before 1970, non-UTC zones.
	t := time.Date(1969+i%60, time.Month(1+i%12), 1+i%28, i%24, i%60, i%60, i*1237%1_000_000_000, time.FixedZone("x", 3600*(i%5-2)))
	if i%4 == 0 {
		return time.Time{}
	}
	return t
}

// at is a never-NULL time for NOT NULL columns.
func at(i int) time.Time { return ts(4*i + 1) }

func list(i int) []string {
	switch i % 4 {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	return []string{tricky(i), `"]`, "a,b", ""}
}

func payload(i int) []byte {
	s, _ := json.Marshal(tricky(i))
	return []byte(fmt.Sprintf(`{ "id" : %d, "html": "<b>&</b>", "esc": "\u003c\n", "nested": {"a": [1, 2.50, null, true]}, "s": %s }`, i, s))
}

func float(i int) float64 {
	return []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0.1, 1e-310, 1.7976931348623157e308, -123.456, float64(i) / 7}[i%9]
}

// everyRecord returns n rows of every record type in models, with unique keys per type.
func everyRecord(n int) []models.Row {
	var rows []models.Row
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("id:%d", i)
		rel := i%5 - 2
		var relp *int
		if i%2 == 0 {
			relp = &rel
		}
		var custom []byte
		if i%3 != 0 {
			custom = payload(i)
		}
		rows = append(rows,
			models.RawRecord{Source: "s", Entity: "e", NativeID: id, Scope: opt(i), Payload: payload(i), UpdatedAt: ts(i), FetchedAt: at(i).Add(time.Hour), DeletedAt: ts(i + 2)},
			models.Person{PersonID: id, Email: tricky(i), Name: opt(i), Pseudonymized: i%2 == 0, UpdatedAt: at(i)},
			models.Account{AccountID: id, Source: "github", NativeID: tricky(i), Login: opt(i), Email: opt(i + 1), Name: opt(i + 2), IsBot: i%2 == 1, PersonID: opt(i), MatchRule: opt(i + 1), FirstSeenAt: ts(i), LastSeenAt: at(i)},
			models.IdentityOverride{Source: "jira", Account: id, PersonID: tricky(i), SourceFile: "f.csv", Line: math.MaxInt32 - i},
			models.Team{TeamID: id, Name: tricky(i), UpdatedAt: at(i)},
			models.TeamMembership{MembershipID: id, PersonID: "p", TeamID: "t", Role: "lead", ValidFrom: at(i), ValidTo: ts(i), SourceFile: "f", Line: -i},
			models.Cohort{CohortID: id, Name: tricky(i), Program: ""},
			models.Enrollment{EnrollmentID: id, PersonID: "p", CohortID: "c", Program: "x", EnrolledAt: at(i), CompletedAt: ts(i), Status: "completed", SourceFile: "f", Line: i},
			models.Incident{IncidentID: id, Source: "pagerduty", NativeID: tricky(i), Number: math.MaxInt64 - int64(i), Title: opt(i), IncidentKey: opt(i + 1), ServiceID: opt(i + 2), ServiceName: opt(i), SourceTeamID: opt(i), EscalationPolicyID: opt(i), Status: tricky(i), Urgency: opt(i), Priority: opt(i), CreatedAt: at(i), AcknowledgedAt: ts(i), ResolvedAt: ts(i + 2), UpdatedAt: ts(i + 3), EscalationCount: i, ReassignmentCount: -i, FirstResponderAccountID: opt(i), ResolverAccountID: opt(i + 1), AssigneeAccountID: opt(i + 2), DeletedAt: ts(i)},
			models.IncidentEvent{EventID: id, IncidentID: "x", Type: tricky(i), CreatedAt: at(i), AgentAccountID: opt(i), AssigneeAccountIDs: list(i), Summary: opt(i)},
			models.Ticket{TicketID: id, Source: "jira", NativeID: "n", Key: tricky(i), ProjectKey: "P", IssueType: opt(i), Status: opt(i), StatusCategory: opt(i), Priority: opt(i), AssigneeAccountID: opt(i), ReporterAccountID: opt(i), CreatedAt: at(i), UpdatedAt: ts(i), ResolvedAt: ts(i + 2), DueDate: ts(i + 3), Labels: list(i), FirstInProgressAt: ts(i), ReopenCount: i, PriorityRaised: i%2 == 0, EscalationLabelAdded: i%3 == 0, CustomFields: custom, DeletedAt: ts(i)},
			models.TicketChange{ChangeID: id, TicketID: "t", AuthorAccountID: opt(i), ChangedAt: at(i), Field: tricky(i), FromValue: opt(i), FromString: opt(i + 1), ToValue: opt(i + 2), ToString: tricky(i)},
			models.PullRequest{PRID: id, Source: "github", NativeID: "n", Repo: "r", Number: i, Title: opt(i), State: "open", IsDraft: i%2 == 0, AuthorAccountID: opt(i), BaseRef: opt(i), CreatedAt: at(i), UpdatedAt: ts(i), ClosedAt: ts(i + 2), MergedAt: ts(i + 3), MergeCommitSHA: opt(i), FirstCommitAt: ts(i), CommitCount: i, IsRevert: i%5 == 0, RevertsPRID: opt(i), DeletedAt: ts(i)},
			models.PRCommit{PRID: "pr", SHA: id, AuthorAccountID: opt(i), AuthoredAt: ts(i)},
			models.PRReview{ReviewID: id, PRID: "pr", ReviewerAccountID: opt(i), State: tricky(i), SubmittedAt: ts(i)},
			models.Deployment{DeploymentID: id, Source: "github", NativeID: "n", Repo: "r", Environment: tricky(i), SHA: opt(i), Ref: opt(i), CreatorAccountID: opt(i), CreatedAt: at(i), Status: opt(i), FinishedAt: ts(i), DeletedAt: ts(i + 2)},
			models.DeploymentPR{DeploymentID: id, PRID: tricky(i)},
			models.Exposure{UnitType: "team", UnitID: id, Status: "treated", TreatedAt: ts(i), CohortID: opt(i), Program: opt(i), LeadPersonID: opt(i), Note: opt(i)},
			models.MetricEvent{Metric: "m", EventID: id, PersonID: opt(i), TeamID: opt(i), OccurredAt: at(i), Value: float(i), Censored: i%2 == 0},
			models.Estimate{AnalysisID: "a", Period: id, Metric: "m", Method: "did", Aggregation: "team", RelPeriod: relp, Scale: "log", Estimate: float(i), CILow: float(i + 1), CIHigh: float(i + 2), RelativeChange: float(i + 3), StdError: float(i + 4), PValue: float(i + 5), QValue: float(i + 6), NTreatedUnits: i, NControlUnits: -i, NEventsPre: math.MinInt64 + int64(i), NEventsPost: int64(i), MDE: float(i + 7), Flags: list(i), ComputedAt: at(i), RelativeCILow: float(i + 8), RelativeCIHigh: float(i + 9)},
			models.ROI{AnalysisID: "a", Period: id, Metric: "m", Monetised: i%2 == 0, EffectPerEvent: float(i), AnnualVolume: float(i + 1), ValuePerUnit: float(i + 2), Benefit: float(i + 3), BenefitLow: float(i + 4), BenefitHigh: float(i + 5), Cost: float(i + 6), ROIPct: float(i + 7), ROIPctLow: float(i + 8), BCR: float(i), BCRLow: float(i + 1), Currency: opt(i), ComputedAt: at(i),
				BenefitCILow: float(i + 2), BenefitCIHigh: float(i + 3), NetBenefit: float(i + 4), NetBenefitCILow: float(i + 5), NetBenefitCIHigh: float(i + 6),
				ROIPctCILow: float(i + 7), ROIPctCIHigh: float(i + 8), BCRCILow: float(i), BCRCIHigh: float(i + 1), ConservativeROIPct: float(i + 2),
				ConservativeBCR: float(i + 3), Level: opt(i + 1), UnitValueUnit: opt(i + 2), Baseline: float(i + 4)},
			models.ROICost{AnalysisID: "a", Period: id, Line: tricky(i), Quantity: float(i), UnitCost: float(i + 1), Amount: float(i + 2), Currency: opt(i), ComputedAt: at(i)},
			models.Assessment{AssessmentID: id, PersonID: tricky(i), Instrument: tricky(i + 1), TakenAt: at(i), Score: float(i), MaxScore: float(i + 1), SourceFile: tricky(i), Line: i},
			models.SurveyResponse{ResponseID: id, TeamID: tricky(i), Kind: tricky(i + 1), Survey: tricky(i + 2), TakenAt: at(i), RespondentKey: tricky(i + 3), Question: tricky(i + 4), Score: float(i), Scale: float(i + 1), SourceFile: tricky(i), Line: -i},
			models.Setting{Key: id, Value: float(i), UpdatedAt: at(i)},
			models.ServiceRepo{Service: id, Repo: tricky(i)},
		)
	}
	return rows
}

// dump renders every row of a table as text that tells NULL from any value and keeps each value's
// exact text (JSON as stored, lists element by element), sorted.
func dump(t *testing.T, s *Store, table string) []string {
	t.Helper()
	var exprs []string
	for _, c := range s.cols[table] {
		q := quoteIdent(c.name)
		repr := q + "::VARCHAR"
		if c.kind == kindList {
			repr = "to_json(" + q + ")::VARCHAR"
		}
		exprs = append(exprs, "CASE WHEN "+q+" IS NULL THEN 'NULL' ELSE '='||"+repr+" END")
	}
	rows, err := s.DB().Query("SELECT concat_ws(' | ', " + strings.Join(exprs, ", ") + ") FROM " + quoteIdent(table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func byTable(rows []models.Row) (order []string, groups map[string][]models.Row) {
	groups = map[string][]models.Row{}
	for _, r := range rows {
		if _, ok := groups[r.Table()]; !ok {
			order = append(order, r.Table())
		}
		groups[r.Table()] = append(groups[r.Table()], r)
	}
	return order, groups
}

func compareStores(t *testing.T, want, got *Store, tables []string, n int) {
	t.Helper()
	for _, table := range tables {
		a, b := dump(t, want, table), dump(t, got, table)
		if len(a) != n || len(b) != n {
			t.Errorf("%s: %d rows by the appender, %d by the bulk path, want %d", table, len(a), len(b), n)
			continue
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s row %d differs:\nappender: %s\nbulk:     %s", table, i, a[i], b[i])
				break
			}
		}
	}
}

// TestBulkMatchesAppender writes rows of every record type through the appender and through the
// staged-file path, for a small and a large batch, and compares the stored rows exactly.
func TestBulkMatchesAppender(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{60, bulkThreshold + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			app, bulk := openTemp(t), openTemp(t)
			order, groups := byTable(everyRecord(n))
			if len(order) != len(models.Tables()) {
				t.Fatalf("fixture covers %d tables, models has %d record types", len(order), len(models.Tables()))
			}
			for _, table := range order {
				key := app.keys[table]
				rows := groups[table]
				err := app.Write(ctx, func(w *Writer) error {
					return w.appendRows(ctx, table, rows, key)
				})
				if err != nil {
					t.Fatalf("%s by appender: %v", table, err)
				}
				err = bulk.Write(ctx, func(w *Writer) error {
					done, err := w.bulkLoad(ctx, table, rows, key)
					if err == nil && done != len(rows) {
						err = fmt.Errorf("wrote %d of %d", done, len(rows))
					}
					return err
				})
				if err != nil {
					t.Fatalf("%s by bulk path: %v", table, err)
				}
			}
			compareStores(t, app, bulk, order, n)
			// Spot checks against the values themselves, beyond agreement of the two paths.
			var payloadText, scope string
			var scopeNull bool
			if err := bulk.DB().QueryRow(`SELECT payload::VARCHAR, scope, scope IS NULL FROM raw_records WHERE native_id = 'id:1'`).Scan(&payloadText, &scope, &scopeNull); err != nil {
				t.Fatal(err)
			}
			if wantPayload := payload(1); payloadText != string(wantPayload) { // verbatim: spaces, <, & kept
				t.Errorf("payload stored as %s, want %s", payloadText, wantPayload)
			}
			if scope != tricky(1) || scopeNull {
				t.Errorf("scope %q (null %v), want %q", scope, scopeNull, tricky(1))
			}
			var emptyNotNull int
			if err := bulk.DB().QueryRow(`SELECT count(*) FROM cohorts WHERE program = ''`).Scan(&emptyNotNull); err != nil || emptyNotNull != n {
				t.Errorf("%d cohorts with empty (non-NULL) program, want %d (%v)", emptyNotNull, n, err)
			}
			var micros int64
			if err := bulk.DB().QueryRow(`SELECT epoch_us(created_at) FROM incidents WHERE incident_id = 'id:2'`).Scan(&micros); err != nil || micros != at(2).UnixMicro() {
				t.Errorf("created_at %d µs, want %d (%v)", micros, at(2).UnixMicro(), err)
			}
		})
	}
}

// TestUpsertLargeBatch goes through Upsert and Insert with batches above the threshold: it checks
// that repeated keys keep the last row (within a staged file and across files), that a batch with a
// value the file cannot carry falls back to the appender, and that writing again updates in place.
func TestUpsertLargeBatch(t *testing.T) {
	ctx := context.Background()
	app, bulk := openTemp(t), openTemp(t)
	app.bulkMin = math.MaxInt
	bulk.bulkSeg = 4000 // several staged files per batch
	n := bulkThreshold * 2
	batch := incidents(n, "first")
	batch = append(batch, incidents(10, "again")...)       // repeats across files
	batch = append(batch, incidents(n, "second")[n-5:]...) // repeats inside the last file
	nul := incidents(bulkThreshold, "nul\x00byte")         // not carried by the file
	events := everyRecord(bulkThreshold)                   // written with Insert
	_, groups := byTable(events)
	for _, s := range []*Store{app, bulk} {
		err := s.Write(ctx, func(w *Writer) error {
			if err := w.Upsert(ctx, batch); err != nil {
				return err
			}
			if _, err := w.Exec(ctx, "DELETE FROM deployment_prs"); err != nil {
				return err
			}
			return w.Insert(ctx, groups["deployment_prs"])
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	compareStores(t, app, bulk, []string{"incidents"}, n)
	compareStores(t, app, bulk, []string{"deployment_prs"}, bulkThreshold)
	if c := count(t, bulk, "SELECT count(*) FROM incidents WHERE title = 'again'"); c != 10 {
		t.Errorf("%d rows kept the repeat across files, want 10", c)
	}
	if c := count(t, bulk, "SELECT count(*) FROM incidents WHERE title = 'second'"); c != 5 {
		t.Errorf("%d rows kept the repeat inside a file, want 5", c)
	}
	for _, s := range []*Store{app, bulk} {
		if err := s.Write(ctx, func(w *Writer) error { return w.Upsert(ctx, nul) }); err != nil {
			t.Fatal(err)
		}
	}
	compareStores(t, app, bulk, []string{"incidents"}, n)
	if c := count(t, bulk, "SELECT count(*) FROM incidents WHERE title = 'nul'||chr(0)||'byte'"); c != bulkThreshold {
		t.Errorf("%d titles with a NUL byte, want %d", c, bulkThreshold)
	}
}

// TestBulkLongLine stages a payload longer than read_csv's default line limit (2 MB).
func TestBulkLongLine(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	big := []byte(`{"blob": "` + strings.Repeat("x\"y", 1_500_000) + `"}`)
	big = []byte(strings.ReplaceAll(string(big), `x"y`, `x\"y`))
	rows := []models.Row{models.RawRecord{Source: "s", Entity: "e", NativeID: "1", Payload: big, FetchedAt: at(1)}}
	err := s.Write(ctx, func(w *Writer) error {
		n, err := w.bulkLoad(ctx, "raw_records", rows, s.keys["raw_records"])
		if err == nil && n != 1 {
			err = fmt.Errorf("wrote %d rows", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.DB().QueryRow(`SELECT payload::VARCHAR FROM raw_records`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != string(big) {
		t.Errorf("payload of %d bytes stored as %d bytes", len(big), len(got))
	}
}

// TestChunkRowsByWidth: narrow rows fill a chunk with bulkChunk rows, wide ones with about
// bulkChunkBytes of text, and never fewer than 64 rows.
func TestChunkRowsByWidth(t *testing.T) {
	st := openTemp(t)
	cols := st.cols["raw_records"]
	raw := func(size int) []models.Row {
		p := []byte(`{"s":"` + strings.Repeat("x", size) + `"}`)
		return []models.Row{models.RawRecord{Source: "s", Entity: "e", NativeID: "1", Payload: p, FetchedAt: time.Unix(0, 0)}}
	}
	if n := chunkRows(cols, raw(10)); n != bulkChunk {
		t.Errorf("narrow rows: %d a chunk, want %d", n, bulkChunk)
	}
	if n := chunkRows(cols, raw(1200)); n < bulkChunkBytes/1400 || n > bulkChunkBytes/1200 {
		t.Errorf("1.2 KB rows: %d a chunk, want about %d", n, bulkChunkBytes/1300)
	}
	if n := chunkRows(cols, raw(1<<20)); n != 64 {
		t.Errorf("1 MB rows: %d a chunk, want 64", n)
	}
}
