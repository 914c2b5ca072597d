package github

import (
	"context"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/internal/rowcheck"
	"github.com/trainimpact/trainimpact/models"
)

// FuzzGitHubMap checks Map on malformed payloads (corpus: testdata/fuzz/FuzzGitHubMap): a pull
// request, a review, a commit, a deployment and a deployment status built from the fuzzed bytes,
// the commit under a fuzzed native id. Each record is mapped alone. No panic; with an error the
// caller writes nothing; without, every row passes rowcheck and names its repository, number, id and time.
func FuzzGitHubMap(f *testing.F) {
	f.Add([]byte(`{"id":11,"number":3,"title":"Revert \"x\"","state":"closed","user":{"login":"ada","type":"User"},"base":{"ref":"main","repo":{"full_name":"acme/api"}},"created_at":"2025-03-04T05:06:07Z","merged_at":"2025-03-05T05:06:07+14:00","merge_commit_sha":"abc"}`),
		[]byte(`{"id":21,"user":{"login":"dependabot[bot]","type":"Bot"},"state":"APPROVED","submitted_at":"2025-03-04T06:00:00-12:00","pull_request_url":"https://api.github.com/repos/acme/api/pulls/3"}`),
		[]byte(`{"sha":"abc","commit":{"author":{"email":" Ada@X.example ","date":"2025-03-04T05:00:00+05:45"}},"author":null}`), "acme/api#3@abc",
		[]byte(`{"id":31,"sha":"abc","ref":"main","environment":"production","creator":{"login":"ada"},"created_at":"2025-03-06T00:00:00Z","repository_url":"https://api.github.com/repos/acme/api"}`),
		[]byte(`{"id":41,"state":"success","creator":{"login":"ci"}}`))
	f.Add([]byte(`{}`), []byte(`{"pull_request_url":"/repos/a/b/pulls/99999999999999999999"}`), []byte(`{}`), "a/b#x@", []byte(`{}`), []byte(`{}`))
	f.Add([]byte(`{"number":-1,"created_at":"0000-01-01T00:00:00Z"}`), []byte(`{"id":"x"}`), []byte(`null`), "#0@", []byte(`{"id":-5,"created_at":"bad"}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, pull, review, commit []byte, commitID string, deployment, status []byte) {
		// Native ids are read back from a DuckDB VARCHAR, which holds UTF-8 only.
		commitID = strings.ToValidUTF8(commitID, "\uFFFD")
		raws := []models.RawRecord{
			{Source: Name, Entity: entityPull, NativeID: "11", Scope: "acme/api", Payload: pull},
			{Source: Name, Entity: entityReview, NativeID: "21", Payload: review},
			{Source: Name, Entity: entityCommit, NativeID: commitID, Payload: commit},
			{Source: Name, Entity: entityDeployment, NativeID: "31", Scope: "acme/api", Payload: deployment},
			{Source: Name, Entity: entityStatus, NativeID: "41", Payload: status},
		}
		c := &Connector{cfg: &Config{BotPatterns: []string{"ci*"}}}
		var rows []models.Row
		for _, raw := range raws { // one at a time: each record's rows are checked whatever the others give
			var one []models.Row
			if err := c.Map(context.Background(), []models.RawRecord{raw}, func(r models.Row) error { one = append(one, r); return nil }); err != nil {
				if !strings.HasPrefix(err.Error(), "github: ") {
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
			case models.PullRequest:
				if v.Repo == "" || v.Number <= 0 || v.NativeID == "0" || v.CreatedAt.IsZero() {
					t.Fatalf("pull request without repository, number, id or creation: %+v", v)
				}
			case models.PRReview:
				if v.ReviewID == models.ID(Name, "review", "0") || strings.HasSuffix(v.PRID, "#0") {
					t.Fatalf("review without id or pull request: %+v", v)
				}
			case models.PRCommit:
				if v.SHA == "" || strings.HasSuffix(v.PRID, "#0") || strings.Contains(v.PRID, ":#") {
					t.Fatalf("commit without sha or pull request: %+v", v)
				}
			case models.Deployment:
				if v.NativeID == "0" || v.Repo == "" || v.CreatedAt.IsZero() {
					t.Fatalf("deployment without id, repository or creation: %+v", v)
				}
			case models.Account:
				if v.NativeID == "" {
					t.Fatalf("account without id: %+v", v)
				}
			}
		}
	})
}
