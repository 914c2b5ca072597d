package github

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

// Raw entities (raw_records.entity) and their native ids.
const (
	entityRepository = "repository"        // id; scope = organisation
	entityPull       = "pull_request"      // id; scope = owner/repo
	entityReview     = "pr_review"         // id
	entityCommit     = "pr_commit"         // "owner/repo#<number>@<sha>"
	entityDeployment = "deployment"        // id
	entityStatus     = "deployment_status" // id
)

// Products implements connectors.Mapper.
func (c *Connector) Products() []string {
	return []string{"pull_requests", "pr_commits", "pr_reviews", "deployments", "deployment_prs", "accounts"}
}

var (
	revertTitle = regexp.MustCompile(`^Revert "`)
	revertBody  = regexp.MustCompile(`This reverts commit [0-9a-fA-F]{7,40}`)
	pullURL     = regexp.MustCompile(`/repos/([^/]+/[^/]+)/pulls/([0-9]+)$`)
	repoURL     = regexp.MustCompile(`/repos/([^/]+/[^/]+)$`)
)

// IsRevert reports whether a pull request reverts another: its title starts with `Revert "` (what
// GitHub's revert button and git revert write) or its body says `This reverts commit <sha>`.
func IsRevert(title, body string) bool {
	return revertTitle.MatchString(title) || revertBody.MatchString(body)
}

// PullRequestID returns the canonical id "github:pull_request:<owner/repo>#<number>".
func PullRequestID(repo string, number int) string {
	return models.ID(Name, "pull_request", repo+"#"+strconv.Itoa(number))
}

func commitNativeID(repo string, number int, sha string) string {
	return repo + "#" + strconv.Itoa(number) + "@" + sha
}

// Map implements connectors.Mapper. Every row depends on one raw record only (and the bot
// patterns of the config); the columns computed across records — first_commit_at, commit_count,
// reverts_pr_id, a deployment's status and finished_at, deployment_prs, a login's commit email —
// are filled by DeriveSQL.
func (c *Connector) Map(ctx context.Context, raws []models.RawRecord, emit func(models.Row) error) error {
	for i, r := range raws {
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if r.Source != Name {
			continue
		}
		var err error
		switch r.Entity {
		case entityPull:
			err = c.mapPull(r, emit)
		case entityReview:
			err = c.mapReview(r, emit)
		case entityCommit:
			err = c.mapCommit(r, emit)
		case entityDeployment:
			err = c.mapDeployment(r, emit)
		case entityStatus:
			var s gh.DeploymentStatus
			if err = json.Unmarshal(r.Payload, &s); err == nil {
				_, err = c.account(s.Creator, emit)
			}
		}
		if err != nil {
			return fmt.Errorf("github: map %s %s: %w", r.Entity, r.NativeID, err)
		}
	}
	return nil
}

// account emits the Account of a GitHub user and returns its id ("" for a null user). Only the
// fields every payload carries (login, type) go in, so the row is the same whichever payload
// emitted it last.
func (c *Connector) account(u *gh.User, emit func(models.Row) error) (string, error) {
	login := u.GetLogin()
	if login == "" {
		return "", nil
	}
	id := models.AccountID(Name, login)
	return id, emit(models.Account{AccountID: id, Source: Name, NativeID: login, Login: login, IsBot: c.cfg.isBot(login, u.GetType())})
}

// emailAccount emits the account of a commit author that GitHub did not link to a login.
func (c *Connector) emailAccount(email string, emit func(models.Row) error) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", nil
	}
	native := "email:" + email
	id := models.AccountID(Name, native)
	return id, emit(models.Account{AccountID: id, Source: Name, NativeID: native, Email: email, IsBot: c.cfg.isBot(email, "")})
}

func ts(t *gh.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time.UTC()
}

func (c *Connector) mapPull(r models.RawRecord, emit func(models.Row) error) error {
	var p gh.PullRequest
	if err := json.Unmarshal(r.Payload, &p); err != nil {
		return err
	}
	repo := p.GetBase().GetRepo().GetFullName()
	if repo == "" {
		repo = r.Scope
	}
	if repo == "" || p.GetNumber() <= 0 || p.GetID() == 0 || p.CreatedAt == nil {
		return fmt.Errorf("%w: a pull request needs a repository, number, id and created_at", connectors.ErrMalformed)
	}
	author, err := c.account(p.User, emit)
	if err != nil {
		return err
	}
	row := models.PullRequest{
		PRID: PullRequestID(repo, p.GetNumber()), Source: Name, NativeID: strconv.FormatInt(p.GetID(), 10), Repo: repo,
		Number: p.GetNumber(), Title: p.GetTitle(), State: p.GetState(), IsDraft: p.GetDraft(), AuthorAccountID: author,
		BaseRef: p.GetBase().GetRef(), CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), ClosedAt: ts(p.ClosedAt),
		MergedAt: ts(p.MergedAt), IsRevert: IsRevert(p.GetTitle(), p.GetBody()), DeletedAt: r.DeletedAt,
	}
	if p.MergedAt != nil {
		row.State = "merged"
		row.MergeCommitSHA = p.GetMergeCommitSHA() // open PRs carry a test-merge sha: not kept
	}
	return emit(row)
}

func (c *Connector) mapReview(r models.RawRecord, emit func(models.Row) error) error {
	var v gh.PullRequestReview
	if err := json.Unmarshal(r.Payload, &v); err != nil {
		return err
	}
	m := pullURL.FindStringSubmatch(v.GetPullRequestURL())
	if m == nil {
		return fmt.Errorf("%w: pull_request_url %q is not a pull request", connectors.ErrMalformed, v.GetPullRequestURL())
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n <= 0 || v.GetID() == 0 {
		return fmt.Errorf("%w: a review needs an id and a pull request number (%q)", connectors.ErrMalformed, m[2])
	}
	who, err := c.account(v.User, emit)
	if err != nil {
		return err
	}
	return emit(models.PRReview{ReviewID: models.ID(Name, "review", strconv.FormatInt(v.GetID(), 10)), PRID: PullRequestID(m[1], n),
		ReviewerAccountID: who, State: v.GetState(), SubmittedAt: ts(v.SubmittedAt)})
}

func (c *Connector) mapCommit(r models.RawRecord, emit func(models.Row) error) error {
	var v gh.RepositoryCommit
	if err := json.Unmarshal(r.Payload, &v); err != nil {
		return err
	}
	pr, _, ok := strings.Cut(r.NativeID, "@")
	repo, num, ok2 := strings.Cut(pr, "#")
	n, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil || repo == "" || n <= 0 || v.GetSHA() == "" {
		return fmt.Errorf("%w: native id %q is not owner/repo#number@sha, or the commit has no sha", connectors.ErrMalformed, r.NativeID)
	}
	var who string
	if v.Author != nil && v.Author.GetLogin() != "" {
		who, err = c.account(v.Author, emit)
	} else {
		who, err = c.emailAccount(v.GetCommit().GetAuthor().GetEmail(), emit)
	}
	if err != nil {
		return err
	}
	var at time.Time
	if d := v.GetCommit().GetAuthor().GetDate(); !d.IsZero() { // a commit may come without an author
		at = d.Time.UTC()
	}
	return emit(models.PRCommit{PRID: PullRequestID(repo, n), SHA: v.GetSHA(), AuthorAccountID: who, AuthoredAt: at})
}

func (c *Connector) mapDeployment(r models.RawRecord, emit func(models.Row) error) error {
	var d gh.Deployment
	if err := json.Unmarshal(r.Payload, &d); err != nil {
		return err
	}
	repo := r.Scope
	if m := repoURL.FindStringSubmatch(d.GetRepositoryURL()); m != nil {
		repo = m[1]
	}
	if repo == "" || d.GetID() == 0 || d.CreatedAt == nil {
		return fmt.Errorf("%w: a deployment needs a repository, id and created_at", connectors.ErrMalformed)
	}
	who, err := c.account(d.Creator, emit)
	if err != nil {
		return err
	}
	return emit(models.Deployment{DeploymentID: models.ID(Name, "deployment", strconv.FormatInt(d.GetID(), 10)), Source: Name,
		NativeID: strconv.FormatInt(d.GetID(), 10), Repo: repo, Environment: d.GetEnvironment(), SHA: d.GetSHA(), Ref: d.GetRef(),
		CreatorAccountID: who, CreatedAt: ts(d.CreatedAt), DeletedAt: r.DeletedAt})
}
