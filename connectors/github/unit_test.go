package github

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

func TestMapCommitWithoutLoginAndBots(t *testing.T) {
	cfg := newConfig()
	cfg.Repos = []string{"acme/api"}
	cfg.BotPatterns = []string{"ci-*"}
	c, err := New(cfg, connectors.Env{})
	if err != nil {
		t.Fatal(err)
	}
	raws := []models.RawRecord{
		{Source: Name, Entity: entityCommit, NativeID: "acme/api#7@abc", Scope: "acme/api",
			Payload: []byte(`{"sha":"abc","commit":{"author":{"name":"X","email":"Dev@Example.COM","date":"2025-01-02T03:04:05Z"}},"author":null}`)},
		{Source: Name, Entity: entityReview, NativeID: "9", Scope: "acme/api",
			Payload: []byte(`{"id":9,"user":{"login":"ci-runner","type":"User"},"state":"APPROVED","pull_request_url":"https://x/api/v3/repos/acme/api/pulls/7","submitted_at":"2025-01-02T04:00:00Z"}`)},
		{Source: Name, Entity: entityPull, NativeID: "1", Scope: "acme/api",
			Payload: []byte(`{"id":1,"number":8,"state":"open","title":"Revert \"Add x\"","body":"","user":{"login":"dependabot[bot]","type":"Bot"},"merge_commit_sha":"f00","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","base":{"ref":"main","repo":{"full_name":"acme/api"}}}`)},
	}
	var rows []models.Row
	if err := c.Map(context.Background(), raws, func(r models.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	var sawEmail, sawPattern, sawBot bool
	for _, r := range rows {
		switch v := r.(type) {
		case models.Account:
			switch v.AccountID {
			case "github:account:email:dev@example.com":
				sawEmail = v.Email == "dev@example.com" && !v.IsBot
			case "github:account:ci-runner":
				sawPattern = v.IsBot
			case "github:account:dependabot[bot]":
				sawBot = v.IsBot
			}
		case models.PRCommit:
			if v.PRID != "github:pull_request:acme/api#7" || v.AuthorAccountID != "github:account:email:dev@example.com" {
				t.Errorf("commit row %+v", v)
			}
		case models.PRReview:
			if v.PRID != "github:pull_request:acme/api#7" || v.ReviewID != "github:review:9" {
				t.Errorf("review row %+v", v)
			}
		case models.PullRequest:
			if !v.IsRevert || v.MergeCommitSHA != "" || !v.MergedAt.IsZero() || v.State != "open" {
				t.Errorf("open revert PR row %+v", v)
			}
		}
	}
	if !sawEmail || !sawPattern || !sawBot {
		t.Errorf("accounts: email %v, pattern bot %v, [bot] %v", sawEmail, sawPattern, sawBot)
	}
	if IsRevert("Reverting nothing", "see This reverts commit xyz") || !IsRevert("x", "This reverts commit 0123abc.") {
		t.Error("IsRevert")
	}
}

func TestConfigValidate(t *testing.T) {
	c := newConfig()
	c.BaseURL = "https://ghe.example.com/api/v3"
	c.Repos = []string{"nope"}
	c.BotPatterns = []string{"["}
	keys := map[string]bool{}
	for _, e := range c.Validate() {
		keys[e.Key] = true
	}
	for _, k := range []string{"base_url", "repos[0]", "bot_patterns[0]"} {
		if !keys[k] {
			t.Errorf("no error for %s: %v", k, keys)
		}
	}
	c = newConfig()
	c.Orgs = []string{"acme"}
	if errs := c.Validate(); len(errs) != 0 {
		t.Errorf("defaults with an org: %v", errs)
	}
}

type fixedRT struct{ h http.Header }

func (f fixedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: f.h.Clone(), Body: http.NoBody, Request: r}, nil
}

func TestPacerSpreadsRequestsNearTheLimit(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Reset", "1700000600") // 10 minutes away
	p := newPacer(fixedRT{h}, sleep)
	p.now = func() time.Time { return now }
	req, _ := http.NewRequest("GET", "http://x/", nil)
	do := func(remaining string) {
		p.base.(fixedRT).h.Set("X-RateLimit-Remaining", remaining)
		if _, err := p.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	do("4000") // plenty left: no wait before the next
	do("100")  // below 10%: the next waits 600 s / 100
	do("0")    // none left: the next waits for the reset
	do("4999")
	if len(slept) != 2 || slept[0] != 6*time.Second || slept[1] != 601*time.Second {
		t.Errorf("waits %v, want [6s 10m1s]", slept)
	}
}
