package jira

import (
	"context"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/jiraapi"
)

// The CSAT feedback of the configured service projects' resolved requests is collected through
// the Jira Service Management API, through faults, exactly as the simulator holds it; without
// feedback_projects the API is never called.
func TestRequestFeedback(t *testing.T) {
	o := testOrg()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			srv := startSim(t, o, mode, simulate.AllFaults(), simulate.Handlers{})
			db := newDB(t)
			cfg := testConfig(srv, mode)
			cfg.FeedbackProjects = []string{o.Projects[0].Key, strings.ToLower(o.Projects[1].Key)}
			s := openSource(t, srv, mode, cfg, nil)
			if _, err := syncAndDerive(t, context.Background(), s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
				t.Fatal(err)
			}
			now := srv.Now()
			want := map[string]int{}
			for _, is := range o.IssuesUpTo(now) {
				if !is.VisibleAt(now) || (is.Project != o.Projects[0] && is.Project != o.Projects[1]) {
					continue
				}
				if r := jiraapi.Feedback(o, is, now); r > 0 {
					want[is.ID] = r
				}
			}
			if len(want) < 5 {
				t.Fatalf("only %d rated requests in the simulated projects", len(want))
			}
			if n := db.count(t, "SELECT count(*) FROM raw_records WHERE source = 'jira' AND entity = 'request_feedback'"); n != len(want) {
				t.Errorf("%d feedback records, want %d", n, len(want))
			}
			for id, r := range want {
				if n := db.count(t, "SELECT count(*) FROM raw_records WHERE entity = 'request_feedback' AND native_id = ? AND CAST(json_extract(payload, '$.rating') AS INTEGER) = ?", id, r); n != 1 {
					t.Errorf("request %s: rating %d not stored", id, r)
				}
			}
		})
	}
	srv := startSim(t, o, modes[0], simulate.Faults{}, simulate.Handlers{})
	s := openSource(t, srv, modes[0], nil, nil)
	if _, err := syncAndDerive(t, context.Background(), s, newDB(t), connectors.SyncOptions{ConfigHash: "h"}); err != nil {
		t.Fatal(err)
	}
	for p, n := range srv.Requests().ByPath {
		if strings.Contains(p, "servicedeskapi") {
			t.Errorf("feedback fetched without feedback_projects: %s ×%d", p, n)
		}
	}
}

func TestFeedbackProjectsValidate(t *testing.T) {
	c := &Config{BaseURL: "https://acme.atlassian.net", TokenEnv: "T", FeedbackProjects: []string{"HELP", "", "IT OPS"}}
	keys := map[string]bool{}
	for _, e := range c.Validate() {
		keys[e.Key] = true
	}
	if keys["feedback_projects[0]"] || !keys["feedback_projects[1]"] || !keys["feedback_projects[2]"] {
		t.Errorf("errors %v", keys)
	}
}
