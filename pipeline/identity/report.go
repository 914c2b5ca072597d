package identity

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Report says how the accounts of each source were matched, and which unmatched accounts matter.
type Report struct {
	Sources []SourceCounts `json:"sources"` // sorted by source name
	// Unmatched lists the unmatched human accounts that have activity, most active first (ties by
	// source and account): the lines worth adding to identities.csv.
	Unmatched []UnmatchedAccount `json:"unmatched"`
	// Idle counts unmatched human accounts without activity (not listed).
	Idle int `json:"unmatched_idle"`
}

// SourceCounts counts the accounts of one source.
type SourceCounts struct {
	Source          string         `json:"source"`
	Accounts        int            `json:"accounts"`
	Bots            int            `json:"bots"`
	Matched         int            `json:"matched"`
	Unmatched       int            `json:"unmatched"`        // human accounts without a person
	UnmatchedActive int            `json:"unmatched_active"` // of which with activity
	ByRule          map[string]int `json:"by_rule"`
	// MatchedEvents and UnmatchedEvents count the activity of matched and unmatched human accounts:
	// the share of events that cannot be attributed to anyone.
	MatchedEvents   int `json:"matched_events"`
	UnmatchedEvents int `json:"unmatched_events"`
}

// UnmatchedAccount is one unmatched account with activity.
type UnmatchedAccount struct {
	Source    string `json:"source"`
	AccountID string `json:"account_id"`
	// Account is the value for the account column of identities.csv: the GitHub login, the Jira
	// accountId or the PagerDuty user id.
	Account   string    `json:"account"`
	Login     string    `json:"login,omitempty"`
	Name      string    `json:"name,omitempty"`
	Events    int       `json:"events"`
	FirstSeen time.Time `json:"first_seen_at"`
	LastSeen  time.Time `json:"last_seen_at"`
}

// BuildReport reads accounts and their activity (it writes nothing, so it works on a read-only
// store). Run Resolve first for current matches.
func BuildReport(ctx context.Context, st *store.Store) (Report, error) {
	accts, err := load(ctx, st.DB().QueryContext)
	if err != nil {
		return Report{}, fmt.Errorf("identity: report: %w", err)
	}
	var rep Report
	bySource := map[string]*SourceCounts{}
	for _, a := range accts {
		c := bySource[a.Source]
		if c == nil {
			c = &SourceCounts{Source: a.Source, ByRule: map[string]int{}}
			bySource[a.Source] = c
		}
		c.Accounts++
		switch {
		case a.isBot():
			c.Bots++
		case a.PersonID != "":
			c.Matched++
			c.ByRule[a.MatchRule]++
			c.MatchedEvents += a.events
		default:
			c.Unmatched++
			c.UnmatchedEvents += a.events
			if a.events == 0 {
				rep.Idle++
				continue
			}
			c.UnmatchedActive++
			acct := a.NativeID
			if a.Source == models.SourceGitHub && a.Login != "" {
				acct = a.Login
			}
			rep.Unmatched = append(rep.Unmatched, UnmatchedAccount{Source: a.Source, AccountID: a.AccountID, Account: acct,
				Login: a.Login, Name: a.Name, Events: a.events, FirstSeen: a.FirstSeenAt, LastSeen: a.LastSeenAt})
		}
	}
	for _, c := range bySource {
		rep.Sources = append(rep.Sources, *c)
	}
	sort.Slice(rep.Sources, func(i, j int) bool { return rep.Sources[i].Source < rep.Sources[j].Source })
	sort.SliceStable(rep.Unmatched, func(i, j int) bool {
		a, b := rep.Unmatched[i], rep.Unmatched[j]
		if a.Events != b.Events {
			return a.Events > b.Events
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Account < b.Account
	})
	return rep, nil
}
