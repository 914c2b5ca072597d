// Package github collects pull requests, their reviews and commits, and production deployments with
// their statuses from the GitHub REST API (github.com or GitHub Enterprise Server, base_url) through
// go-github v60 on the httpx transport, and maps them to pull_requests, pr_commits, pr_reviews,
// deployments, deployment_prs and accounts.
//
// # What is fetched
//
// Repositories come from `repos` and from the repository list of each of `orgs` (archived ones
// skipped unless `include_archived`). For each repository, at most Concurrency at once:
//
//   - pulls?state=all&sort=updated&direction=desc, walked page by page (per_page=100) and stopped at
//     the first pull request updated before the cursor minus the overlap; reviews and commits are
//     fetched only for pull requests whose updated_at differs from the stored raw record (GitHub
//     moves updated_at on every push, review, close and merge);
//   - deployments?environment=<env> for each of `production_environments`, newest first, down to the
//     oldest deployment that could still change at the last complete walk (its latest status is not
//     failure, error or inactive: a successful one turns inactive when superseded); statuses are
//     fetched for new deployments and those whose updated_at moved.
//
// The first page of every walk is requested with If-None-Match and the ETag of the previous
// complete walk: a 304 (which GitHub does not count against the rate limit) ends the walk, so a
// re-sync with no change makes one request per repository and entity (plus one per organisation).
// Cursors and ETags are saved in the batch of a walk's last page, so an interrupted sync resumes
// from the previous complete walk and refetches nothing already stored unchanged.
//
// # Rate limits
//
// A pacer under httpx reads X-RateLimit-Remaining and X-RateLimit-Reset of every response and,
// below 10% of the limit, spreads the remaining requests evenly until the reset (none left: it
// waits for the reset), so normal runs do not hit the primary limit. httpx retries secondary-limit
// 403/429 responses after Retry-After, and primary-limit 403s after the reset.
//
// # Rules
//
// Revert: a pull request is a revert when its title starts with `Revert "` or its body says
// `This reverts commit <sha>`; it is linked (reverts_pr_id) to the merged pull request of the same
// repository whose merge commit starts with that sha, else to the latest one merged before the
// revert was opened whose title is the quoted title.
//
// Deployment → pull requests (deployment_prs): a production deployment ships the pull requests of
// its repository merged into the default branch after the creation of the previous successful
// deployment to the same environment (one that has a success status) and at or before its own
// creation. A failed deployment is linked to the same pull requests as the successful one that
// follows it; a pull request's change lead time ends at the finish (first success status) of the
// first successful deployment linked to it. The rule uses times instead of the commit graph (no
// extra requests); it is the rule of the simulator's ground truth.
//
// Identities: every user seen (author, reviewer, commit author, deployment and status creator) is
// an account "github:account:<login>"; a login's email is the commit email its commits carry most
// often; commit authors GitHub did not link to a login are "github:account:email:<lower email>"
// with Email set. Logins ending in "[bot]", users of type Bot and logins matching `bot_patterns`
// are accounts with is_bot set (never matched to people).
//
// Columns computed across records (first_commit_at, commit_count, reverts_pr_id, a deployment's
// status and finished_at, deployment_prs, a login's email) are set by derive.sql (DeriveSQL).
//
// Not handled: commits force-pushed away from a pull request stay in pr_commits; reviews and commits
// of a pull request deleted at the source are not marked deleted (the pull request is).
package github
