-- 001_init: the canonical warehouse schema.
--
-- Layers, as in DESIGN.md: raw_records holds API payloads exactly as fetched; the canonical tables hold
-- source-agnostic records derived from them (ids are deterministic: '<source>:<entity>:<native id>');
-- metric_events, exposure, estimates and roi are derived by the pipeline. Every table and column carries
-- a COMMENT, from which docs/schema.md is generated (`trainimpact schema --markdown`).

-- ---------------------------------------------------------------------------------------------------
-- Raw layer
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE raw_records (
    source     VARCHAR   NOT NULL,
    entity     VARCHAR   NOT NULL,
    native_id  VARCHAR   NOT NULL,
    scope      VARCHAR   NOT NULL DEFAULT '',
    payload    JSON      NOT NULL,
    updated_at TIMESTAMPTZ,
    fetched_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ,
    PRIMARY KEY (source, entity, native_id)
);
COMMENT ON TABLE raw_records IS 'API payloads as fetched, latest version per native id; canonical tables are re-derived from here by `trainimpact rebuild` without the network.';
COMMENT ON COLUMN raw_records.source IS 'Connector that fetched the payload: pagerduty, jira or github.';
COMMENT ON COLUMN raw_records.entity IS 'Kind of payload within the source, e.g. incident, log_entry, issue, pull_request.';
COMMENT ON COLUMN raw_records.native_id IS 'Identifier of the record at the source (unique within source and entity).';
COMMENT ON COLUMN raw_records.scope IS 'Collection scope the payload was fetched under (service, project, repository); empty when global.';
COMMENT ON COLUMN raw_records.payload IS 'The JSON object exactly as the API returned it.';
COMMENT ON COLUMN raw_records.updated_at IS 'Last-modified time the source reported for the record, if any.';
COMMENT ON COLUMN raw_records.fetched_at IS 'When this version of the payload was fetched.';
COMMENT ON COLUMN raw_records.deleted_at IS 'When a full sync found the record no longer present at the source; NULL while it exists.';

-- ---------------------------------------------------------------------------------------------------
-- People, identity and the training program
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE people (
    person_id  VARCHAR PRIMARY KEY,
    email      VARCHAR NOT NULL,
    name       VARCHAR,
    pseudonymized BOOLEAN NOT NULL DEFAULT false,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE people IS 'One row per employee known from the people files (teams, cohorts, identities). Never shown by name in reports.';
COMMENT ON COLUMN people.person_id IS 'Stable pseudonymous id: ''people:person:'' + first 16 hex digits of a hash of the lower-cased work email.';
COMMENT ON COLUMN people.email IS 'Work email, trimmed and lower-cased (a keyed hash when people.pseudonymize is on).';
COMMENT ON COLUMN people.name IS 'Display name when known (a keyed hash when people.pseudonymize is on).';
COMMENT ON COLUMN people.pseudonymized IS 'True when email and name hold keyed hashes instead of the real values.';
COMMENT ON COLUMN people.updated_at IS 'When the row was last written.';

CREATE TABLE accounts (
    account_id    VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,
    native_id     VARCHAR NOT NULL,
    login         VARCHAR,
    email         VARCHAR,
    name          VARCHAR,
    is_bot        BOOLEAN NOT NULL DEFAULT false,
    person_id     VARCHAR,
    match_rule    VARCHAR,
    first_seen_at TIMESTAMPTZ,
    last_seen_at  TIMESTAMPTZ
);
COMMENT ON TABLE accounts IS 'Every actor seen in any source (users, commit authors, reviewers, bots), matched to a person by identity resolution.';
COMMENT ON COLUMN accounts.account_id IS 'Canonical id: ''<source>:account:<native id>''.';
COMMENT ON COLUMN accounts.source IS 'Source the account belongs to: pagerduty, jira or github.';
COMMENT ON COLUMN accounts.native_id IS 'Account id at the source: PagerDuty user id, Jira accountId (or user key), GitHub login (or commit email for commit authors without a login).';
COMMENT ON COLUMN accounts.login IS 'Login or user name at the source, when it has one.';
COMMENT ON COLUMN accounts.email IS 'Email the source reports for the account; NULL when hidden (Jira Cloud) or unknown.';
COMMENT ON COLUMN accounts.name IS 'Display name the source reports.';
COMMENT ON COLUMN accounts.is_bot IS 'True for automation accounts (GitHub [bot] logins, configured patterns); bots are never matched to people.';
COMMENT ON COLUMN accounts.person_id IS 'Matched person (people.person_id); NULL when unmatched.';
COMMENT ON COLUMN accounts.match_rule IS 'Rule that matched: override, email, commit_email, noreply_email, display_name; NULL when unmatched.';
COMMENT ON COLUMN accounts.first_seen_at IS 'Earliest activity time of the account in the synced data.';
COMMENT ON COLUMN accounts.last_seen_at IS 'Latest activity time of the account in the synced data.';

CREATE TABLE identity_overrides (
    source       VARCHAR NOT NULL,
    account      VARCHAR NOT NULL,
    person_id    VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    line         INTEGER NOT NULL,
    PRIMARY KEY (source, account)
);
COMMENT ON TABLE identity_overrides IS 'Manual account-to-person matches imported from identities.csv; they always win over automatic rules.';
COMMENT ON COLUMN identity_overrides.source IS 'Source of the account: github, jira or pagerduty.';
COMMENT ON COLUMN identity_overrides.account IS 'Account at the source: GitHub login, Jira accountId or PagerDuty user id.';
COMMENT ON COLUMN identity_overrides.person_id IS 'Person the account belongs to.';
COMMENT ON COLUMN identity_overrides.source_file IS 'File the override was imported from.';
COMMENT ON COLUMN identity_overrides.line IS 'Line of the file the override came from.';

CREATE TABLE teams (
    team_id    VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE teams IS 'Teams named in teams.csv; the default unit of analysis.';
COMMENT ON COLUMN teams.team_id IS 'Canonical id: ''files:team:<name as written in teams.csv>''.';
COMMENT ON COLUMN teams.name IS 'Team name as written in teams.csv.';
COMMENT ON COLUMN teams.updated_at IS 'When the row was last written.';

CREATE TABLE team_memberships (
    membership_id VARCHAR PRIMARY KEY,
    person_id     VARCHAR NOT NULL,
    team_id       VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    valid_from    DATE    NOT NULL,
    valid_to      DATE,
    source_file   VARCHAR NOT NULL,
    line          INTEGER NOT NULL
);
COMMENT ON TABLE team_memberships IS 'Who belonged to which team, in which role, over which dates (history kept through valid_from/valid_to).';
COMMENT ON COLUMN team_memberships.membership_id IS 'Deterministic id: ''files:membership:<person>|<team>|<valid_from>''.';
COMMENT ON COLUMN team_memberships.person_id IS 'The member (people.person_id).';
COMMENT ON COLUMN team_memberships.team_id IS 'The team (teams.team_id).';
COMMENT ON COLUMN team_memberships.role IS 'lead or member.';
COMMENT ON COLUMN team_memberships.valid_from IS 'First day of the membership (inclusive).';
COMMENT ON COLUMN team_memberships.valid_to IS 'Last day of the membership (inclusive); NULL while still valid.';
COMMENT ON COLUMN team_memberships.source_file IS 'File the row was imported from.';
COMMENT ON COLUMN team_memberships.line IS 'Line of that file.';

CREATE TABLE cohorts (
    cohort_id VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    program   VARCHAR NOT NULL
);
COMMENT ON TABLE cohorts IS 'Training cohorts named in cohorts.csv.';
COMMENT ON COLUMN cohorts.cohort_id IS 'Canonical id: ''files:cohort:<program>|<cohort>''.';
COMMENT ON COLUMN cohorts.name IS 'Cohort name as written in cohorts.csv.';
COMMENT ON COLUMN cohorts.program IS 'Training program the cohort belongs to.';

CREATE TABLE enrollments (
    enrollment_id VARCHAR PRIMARY KEY,
    person_id     VARCHAR NOT NULL,
    cohort_id     VARCHAR NOT NULL,
    program       VARCHAR NOT NULL,
    enrolled_at   DATE    NOT NULL,
    completed_at  DATE,
    status        VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    line          INTEGER NOT NULL
);
COMMENT ON TABLE enrollments IS 'Who enrolled in which cohort and when they completed it.';
COMMENT ON COLUMN enrollments.enrollment_id IS 'Deterministic id: ''files:enrollment:<person>|<cohort>''.';
COMMENT ON COLUMN enrollments.person_id IS 'The participant (people.person_id).';
COMMENT ON COLUMN enrollments.cohort_id IS 'The cohort (cohorts.cohort_id).';
COMMENT ON COLUMN enrollments.program IS 'Training program.';
COMMENT ON COLUMN enrollments.enrolled_at IS 'Enrollment date.';
COMMENT ON COLUMN enrollments.completed_at IS 'Completion date; NULL when not (yet) completed. A date in the future counts as not yet treated.';
COMMENT ON COLUMN enrollments.status IS 'completed, in_progress (enrolled, no completion yet, or completion in the future) or dropout.';
COMMENT ON COLUMN enrollments.source_file IS 'File the row was imported from.';
COMMENT ON COLUMN enrollments.line IS 'Line of that file.';

CREATE TABLE imports (
    kind        VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, source_file)
);
COMMENT ON TABLE imports IS 'Files imported with `trainimpact import`: re-importing an unchanged file changes nothing.';
COMMENT ON COLUMN imports.kind IS 'teams, cohorts or identities.';
COMMENT ON COLUMN imports.source_file IS 'Path of the imported file as given.';
COMMENT ON COLUMN imports.sha256 IS 'SHA-256 of the file content at import.';
COMMENT ON COLUMN imports.rows IS 'Data rows imported.';
COMMENT ON COLUMN imports.imported_at IS 'When the file was imported.';

-- ---------------------------------------------------------------------------------------------------
-- Incidents (PagerDuty)
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE incidents (
    incident_id          VARCHAR PRIMARY KEY,
    source               VARCHAR NOT NULL,
    native_id            VARCHAR NOT NULL,
    number               BIGINT,
    title                VARCHAR,
    incident_key         VARCHAR,
    service_id           VARCHAR,
    service_name         VARCHAR,
    source_team_id       VARCHAR,
    escalation_policy_id VARCHAR,
    status               VARCHAR NOT NULL,
    urgency              VARCHAR,
    priority             VARCHAR,
    created_at           TIMESTAMPTZ NOT NULL,
    acknowledged_at      TIMESTAMPTZ,
    resolved_at          TIMESTAMPTZ,
    updated_at           TIMESTAMPTZ,
    escalation_count     INTEGER NOT NULL DEFAULT 0,
    reassignment_count   INTEGER NOT NULL DEFAULT 0,
    first_responder_account_id VARCHAR,
    resolver_account_id  VARCHAR,
    assignee_account_id  VARCHAR,
    deleted_at           TIMESTAMPTZ
);
COMMENT ON TABLE incidents IS 'One row per incident, every status; timeline-derived columns come from incident_events.';
COMMENT ON COLUMN incidents.incident_id IS 'Canonical id: ''pagerduty:incident:<id>''.';
COMMENT ON COLUMN incidents.source IS 'Source of the incident (pagerduty).';
COMMENT ON COLUMN incidents.native_id IS 'Incident id at the source.';
COMMENT ON COLUMN incidents.number IS 'Human-facing incident number.';
COMMENT ON COLUMN incidents.title IS 'Incident title.';
COMMENT ON COLUMN incidents.incident_key IS 'De-duplication key of the incident, used to recognise repeats.';
COMMENT ON COLUMN incidents.service_id IS 'Service the incident belongs to (native id).';
COMMENT ON COLUMN incidents.service_name IS 'Service name.';
COMMENT ON COLUMN incidents.source_team_id IS 'Owning team at the source (first PagerDuty team of the incident), native id.';
COMMENT ON COLUMN incidents.escalation_policy_id IS 'Escalation policy (native id).';
COMMENT ON COLUMN incidents.status IS 'triggered, acknowledged or resolved, as last synced.';
COMMENT ON COLUMN incidents.urgency IS 'high or low.';
COMMENT ON COLUMN incidents.priority IS 'Priority name (e.g. P1), NULL when the account does not use priorities.';
COMMENT ON COLUMN incidents.created_at IS 'When the incident was triggered.';
COMMENT ON COLUMN incidents.acknowledged_at IS 'First acknowledgement (from the acknowledge log entries); NULL if never acknowledged.';
COMMENT ON COLUMN incidents.resolved_at IS 'The API''s resolved_at (not last_status_change_at); the resolve log entry where the field is missing; NULL while unresolved.';
COMMENT ON COLUMN incidents.updated_at IS 'Last change the source reported (last_status_change_at or latest log entry).';
COMMENT ON COLUMN incidents.escalation_count IS 'Number of escalate log entries.';
COMMENT ON COLUMN incidents.reassignment_count IS 'Number of assignments to another person after the first assignment.';
COMMENT ON COLUMN incidents.first_responder_account_id IS 'Account that acknowledged first (accounts.account_id).';
COMMENT ON COLUMN incidents.resolver_account_id IS 'Account that resolved the incident.';
COMMENT ON COLUMN incidents.assignee_account_id IS 'Account the incident was assigned to last; events are attributed to this person''s team.';
COMMENT ON COLUMN incidents.deleted_at IS 'When a full sync no longer found the incident at the source; NULL while it exists.';

CREATE TABLE incident_events (
    event_id          VARCHAR PRIMARY KEY,
    incident_id       VARCHAR NOT NULL,
    type              VARCHAR NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    agent_account_id  VARCHAR,
    assignee_account_ids VARCHAR[],
    summary           VARCHAR
);
COMMENT ON TABLE incident_events IS 'Incident timeline (PagerDuty log entries): trigger, acknowledge, escalate, assign, resolve and the rest as-is.';
COMMENT ON COLUMN incident_events.event_id IS 'Canonical id: ''pagerduty:log_entry:<id>''.';
COMMENT ON COLUMN incident_events.incident_id IS 'The incident (incidents.incident_id).';
COMMENT ON COLUMN incident_events.type IS 'Log entry type without the _log_entry suffix: trigger, acknowledge, escalate, assign, resolve, notify, annotate, ...';
COMMENT ON COLUMN incident_events.created_at IS 'When the entry was recorded.';
COMMENT ON COLUMN incident_events.agent_account_id IS 'Account that caused the entry, when a user did.';
COMMENT ON COLUMN incident_events.assignee_account_ids IS 'Accounts assigned by an assign or escalate entry.';
COMMENT ON COLUMN incident_events.summary IS 'Summary text of the entry.';

-- ---------------------------------------------------------------------------------------------------
-- Tickets (Jira)
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE tickets (
    ticket_id           VARCHAR PRIMARY KEY,
    source              VARCHAR NOT NULL,
    native_id           VARCHAR NOT NULL,
    key                 VARCHAR NOT NULL,
    project_key         VARCHAR NOT NULL,
    issue_type          VARCHAR,
    status              VARCHAR,
    status_category     VARCHAR,
    priority            VARCHAR,
    assignee_account_id VARCHAR,
    reporter_account_id VARCHAR,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,
    due_date            DATE,
    labels              VARCHAR[],
    first_in_progress_at TIMESTAMPTZ,
    reopen_count        INTEGER NOT NULL DEFAULT 0,
    priority_raised     BOOLEAN NOT NULL DEFAULT false,
    escalation_label_added BOOLEAN NOT NULL DEFAULT false,
    custom_fields       JSON,
    deleted_at          TIMESTAMPTZ
);
COMMENT ON TABLE tickets IS 'One row per Jira issue matched by the configured JQL; timeline-derived columns come from ticket_changes.';
COMMENT ON COLUMN tickets.ticket_id IS 'Canonical id: ''jira:issue:<issue id>''.';
COMMENT ON COLUMN tickets.source IS 'Source of the ticket (jira).';
COMMENT ON COLUMN tickets.native_id IS 'Issue id at the source.';
COMMENT ON COLUMN tickets.key IS 'Issue key, e.g. OPS-123.';
COMMENT ON COLUMN tickets.project_key IS 'Project key, e.g. OPS.';
COMMENT ON COLUMN tickets.issue_type IS 'Issue type name.';
COMMENT ON COLUMN tickets.status IS 'Current status name.';
COMMENT ON COLUMN tickets.status_category IS 'Status category key: new, indeterminate or done.';
COMMENT ON COLUMN tickets.priority IS 'Current priority name.';
COMMENT ON COLUMN tickets.assignee_account_id IS 'Current assignee (accounts.account_id); events are attributed to this person''s team.';
COMMENT ON COLUMN tickets.reporter_account_id IS 'Reporter (accounts.account_id).';
COMMENT ON COLUMN tickets.created_at IS 'When the issue was created.';
COMMENT ON COLUMN tickets.updated_at IS 'Last update the source reported.';
COMMENT ON COLUMN tickets.resolved_at IS 'resolutiondate; NULL while the ticket is open, including after a reopen.';
COMMENT ON COLUMN tickets.due_date IS 'Due date, when set.';
COMMENT ON COLUMN tickets.labels IS 'Current labels.';
COMMENT ON COLUMN tickets.first_in_progress_at IS 'First move into a status of the indeterminate (in progress) category.';
COMMENT ON COLUMN tickets.reopen_count IS 'Number of moves out of the done status category.';
COMMENT ON COLUMN tickets.priority_raised IS 'True when the priority was raised after creation.';
COMMENT ON COLUMN tickets.escalation_label_added IS 'True when a configured escalation label was added after creation.';
COMMENT ON COLUMN tickets.custom_fields IS 'Configured custom fields, by configured name.';
COMMENT ON COLUMN tickets.deleted_at IS 'When a full sync found the issue deleted or outside the JQL; NULL while it matches.';

CREATE TABLE ticket_changes (
    change_id         VARCHAR PRIMARY KEY,
    ticket_id         VARCHAR NOT NULL,
    author_account_id VARCHAR,
    changed_at        TIMESTAMPTZ NOT NULL,
    field             VARCHAR NOT NULL,
    from_value        VARCHAR,
    from_string       VARCHAR,
    to_value          VARCHAR,
    to_string         VARCHAR
);
COMMENT ON TABLE ticket_changes IS 'Changelog items of tickets for status, priority, assignee and labels.';
COMMENT ON COLUMN ticket_changes.change_id IS 'Canonical id: ''jira:change:<history id>:<item index>''.';
COMMENT ON COLUMN ticket_changes.ticket_id IS 'The ticket (tickets.ticket_id).';
COMMENT ON COLUMN ticket_changes.author_account_id IS 'Account that made the change.';
COMMENT ON COLUMN ticket_changes.changed_at IS 'When the change was made.';
COMMENT ON COLUMN ticket_changes.field IS 'Changed field: status, priority, assignee or labels.';
COMMENT ON COLUMN ticket_changes.from_value IS 'Previous value id (status id, priority id, accountId).';
COMMENT ON COLUMN ticket_changes.from_string IS 'Previous value as displayed.';
COMMENT ON COLUMN ticket_changes.to_value IS 'New value id.';
COMMENT ON COLUMN ticket_changes.to_string IS 'New value as displayed.';

-- ---------------------------------------------------------------------------------------------------
-- Delivery (GitHub)
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE pull_requests (
    pr_id             VARCHAR PRIMARY KEY,
    source            VARCHAR NOT NULL,
    native_id         VARCHAR NOT NULL,
    repo              VARCHAR NOT NULL,
    number            INTEGER NOT NULL,
    title             VARCHAR,
    state             VARCHAR NOT NULL,
    is_draft          BOOLEAN NOT NULL DEFAULT false,
    author_account_id VARCHAR,
    base_ref          VARCHAR,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    merged_at         TIMESTAMPTZ,
    merge_commit_sha  VARCHAR,
    first_commit_at   TIMESTAMPTZ,
    commit_count      INTEGER,
    is_revert         BOOLEAN NOT NULL DEFAULT false,
    reverts_pr_id     VARCHAR,
    deleted_at        TIMESTAMPTZ
);
COMMENT ON TABLE pull_requests IS 'Pull requests of every state in the configured repositories.';
COMMENT ON COLUMN pull_requests.pr_id IS 'Canonical id: ''github:pull_request:<owner/repo>#<number>''.';
COMMENT ON COLUMN pull_requests.source IS 'Source of the pull request (github).';
COMMENT ON COLUMN pull_requests.native_id IS 'Numeric pull request id at the source.';
COMMENT ON COLUMN pull_requests.repo IS 'Repository as owner/name.';
COMMENT ON COLUMN pull_requests.number IS 'Pull request number within the repository.';
COMMENT ON COLUMN pull_requests.title IS 'Title.';
COMMENT ON COLUMN pull_requests.state IS 'open, closed or merged.';
COMMENT ON COLUMN pull_requests.is_draft IS 'True for draft pull requests.';
COMMENT ON COLUMN pull_requests.author_account_id IS 'Author (accounts.account_id); events are attributed to this person''s team.';
COMMENT ON COLUMN pull_requests.base_ref IS 'Target branch.';
COMMENT ON COLUMN pull_requests.created_at IS 'When the pull request was opened.';
COMMENT ON COLUMN pull_requests.updated_at IS 'Last update the source reported.';
COMMENT ON COLUMN pull_requests.closed_at IS 'When it was closed (merged or not).';
COMMENT ON COLUMN pull_requests.merged_at IS 'When it was merged; NULL unless merged.';
COMMENT ON COLUMN pull_requests.merge_commit_sha IS 'Merge commit, when merged.';
COMMENT ON COLUMN pull_requests.first_commit_at IS 'Author date of the earliest commit of the pull request.';
COMMENT ON COLUMN pull_requests.commit_count IS 'Number of commits.';
COMMENT ON COLUMN pull_requests.is_revert IS 'True when the pull request reverts another (title Revert "..." or body This reverts commit <sha>).';
COMMENT ON COLUMN pull_requests.reverts_pr_id IS 'The pull request it reverts, when found.';
COMMENT ON COLUMN pull_requests.deleted_at IS 'When a full sync no longer found it; NULL while it exists.';

CREATE TABLE pr_commits (
    pr_id             VARCHAR NOT NULL,
    sha               VARCHAR NOT NULL,
    author_account_id VARCHAR,
    authored_at       TIMESTAMPTZ,
    PRIMARY KEY (pr_id, sha)
);
COMMENT ON TABLE pr_commits IS 'Commits of each pull request, with their authors.';
COMMENT ON COLUMN pr_commits.pr_id IS 'The pull request (pull_requests.pr_id).';
COMMENT ON COLUMN pr_commits.sha IS 'Commit SHA.';
COMMENT ON COLUMN pr_commits.author_account_id IS 'Commit author (a GitHub login account, or a commit-email account when the commit has no linked login).';
COMMENT ON COLUMN pr_commits.authored_at IS 'Author date of the commit.';

CREATE TABLE pr_reviews (
    review_id           VARCHAR PRIMARY KEY,
    pr_id               VARCHAR NOT NULL,
    reviewer_account_id VARCHAR,
    state               VARCHAR NOT NULL,
    submitted_at        TIMESTAMPTZ
);
COMMENT ON TABLE pr_reviews IS 'Reviews of pull requests.';
COMMENT ON COLUMN pr_reviews.review_id IS 'Canonical id: ''github:review:<id>''.';
COMMENT ON COLUMN pr_reviews.pr_id IS 'The pull request reviewed.';
COMMENT ON COLUMN pr_reviews.reviewer_account_id IS 'Reviewer (accounts.account_id).';
COMMENT ON COLUMN pr_reviews.state IS 'APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED.';
COMMENT ON COLUMN pr_reviews.submitted_at IS 'When the review was submitted.';

CREATE TABLE deployments (
    deployment_id       VARCHAR PRIMARY KEY,
    source              VARCHAR NOT NULL,
    native_id           VARCHAR NOT NULL,
    repo                VARCHAR NOT NULL,
    environment         VARCHAR NOT NULL,
    sha                 VARCHAR,
    ref                 VARCHAR,
    creator_account_id  VARCHAR,
    created_at          TIMESTAMPTZ NOT NULL,
    status              VARCHAR,
    finished_at         TIMESTAMPTZ,
    deleted_at          TIMESTAMPTZ
);
COMMENT ON TABLE deployments IS 'Deployments to the configured production environments: one row per deployment with its latest status.';
COMMENT ON COLUMN deployments.deployment_id IS 'Canonical id: ''github:deployment:<id>''.';
COMMENT ON COLUMN deployments.source IS 'Source of the deployment (github).';
COMMENT ON COLUMN deployments.native_id IS 'Deployment id at the source.';
COMMENT ON COLUMN deployments.repo IS 'Repository as owner/name.';
COMMENT ON COLUMN deployments.environment IS 'Target environment.';
COMMENT ON COLUMN deployments.sha IS 'Commit deployed.';
COMMENT ON COLUMN deployments.ref IS 'Ref deployed.';
COMMENT ON COLUMN deployments.creator_account_id IS 'Who created the deployment.';
COMMENT ON COLUMN deployments.created_at IS 'When the deployment was created.';
COMMENT ON COLUMN deployments.status IS 'Latest status state: queued, in_progress, success, failure, error, inactive.';
COMMENT ON COLUMN deployments.finished_at IS 'Time of the first success status; NULL unless it succeeded.';
COMMENT ON COLUMN deployments.deleted_at IS 'When a full sync no longer found it; NULL while it exists.';

CREATE TABLE deployment_prs (
    deployment_id VARCHAR NOT NULL,
    pr_id         VARCHAR NOT NULL,
    PRIMARY KEY (deployment_id, pr_id)
);
COMMENT ON TABLE deployment_prs IS 'Which merged pull requests each successful deployment shipped (see the rule in connectors/github).';
COMMENT ON COLUMN deployment_prs.deployment_id IS 'The deployment (deployments.deployment_id).';
COMMENT ON COLUMN deployment_prs.pr_id IS 'A pull request whose merge commit the deployment contained.';

-- ---------------------------------------------------------------------------------------------------
-- Pipeline bookkeeping
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE sync_state (
    source      VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    cursor      TIMESTAMPTZ,
    config_hash VARCHAR NOT NULL DEFAULT '',
    extra       JSON,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, scope, entity)
);
COMMENT ON TABLE sync_state IS 'Incremental sync cursors, one per (source, scope, entity); a cursor moves only when its batch commits.';
COMMENT ON COLUMN sync_state.source IS 'Connector name.';
COMMENT ON COLUMN sync_state.scope IS 'Collection scope (service, project, repository); empty when global.';
COMMENT ON COLUMN sync_state.entity IS 'Entity collected.';
COMMENT ON COLUMN sync_state.cursor IS 'Largest updated time committed; the next sync starts here minus the overlap.';
COMMENT ON COLUMN sync_state.config_hash IS 'Hash of the source configuration that produced the cursor; a change forces a full sync.';
COMMENT ON COLUMN sync_state.extra IS 'Connector-specific state (e.g. ETags), JSON.';
COMMENT ON COLUMN sync_state.updated_at IS 'When the cursor was last committed.';

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,
    error       VARCHAR,
    counts      JSON,
    durations   JSON
);
COMMENT ON TABLE runs IS 'Ledger of pipeline commands that wrote to the database.';
COMMENT ON COLUMN runs.run_id IS 'Unique run id (start time and random suffix).';
COMMENT ON COLUMN runs.command IS 'Command that ran: init, sync, import, rebuild, analyze, run, demo.';
COMMENT ON COLUMN runs.started_at IS 'Start time.';
COMMENT ON COLUMN runs.finished_at IS 'End time; NULL while running or when the process died.';
COMMENT ON COLUMN runs.status IS 'running, succeeded, failed or partial.';
COMMENT ON COLUMN runs.error IS 'Error message of a failed run (never contains a token).';
COMMENT ON COLUMN runs.counts IS 'Per-entity counts (fetched, new, updated, deleted), JSON.';
COMMENT ON COLUMN runs.durations IS 'Per-step durations in seconds, JSON.';

-- ---------------------------------------------------------------------------------------------------
-- Analysis
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE exposure (
    unit_type      VARCHAR NOT NULL,
    unit_id        VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    treated_at     DATE,
    cohort_id      VARCHAR,
    program        VARCHAR,
    lead_person_id VARCHAR,
    note           VARCHAR,
    PRIMARY KEY (unit_type, unit_id)
);
COMMENT ON TABLE exposure IS 'Treatment of each analysis unit: from when it counts as treated, and through whom.';
COMMENT ON COLUMN exposure.unit_type IS 'team or person (config analysis.unit).';
COMMENT ON COLUMN exposure.unit_id IS 'teams.team_id or people.person_id.';
COMMENT ON COLUMN exposure.status IS 'treated (completed), not_yet (completion in the future or in progress), never, or dropout.';
COMMENT ON COLUMN exposure.treated_at IS 'Treatment date: for a team, completion date of its lead at that time; for a person, their own completion date.';
COMMENT ON COLUMN exposure.cohort_id IS 'Cohort through which the unit was treated.';
COMMENT ON COLUMN exposure.program IS 'Program through which the unit was treated.';
COMMENT ON COLUMN exposure.lead_person_id IS 'For teams: the trained lead whose completion treats the team.';
COMMENT ON COLUMN exposure.note IS 'How the rule applied (e.g. lead changed after treatment).';

CREATE TABLE metric_events (
    metric      VARCHAR NOT NULL,
    event_id    VARCHAR NOT NULL,
    person_id   VARCHAR,
    team_id     VARCHAR,
    occurred_at TIMESTAMPTZ NOT NULL,
    value       DOUBLE,
    censored    BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (metric, event_id)
);
COMMENT ON TABLE metric_events IS 'One row per (metric, event), derived from queries/metrics/*.sql.';
COMMENT ON COLUMN metric_events.metric IS 'Metric name (file name in queries/metrics).';
COMMENT ON COLUMN metric_events.event_id IS 'Canonical id of the event the value belongs to (incident, ticket, pull request).';
COMMENT ON COLUMN metric_events.person_id IS 'Acting person, when matched.';
COMMENT ON COLUMN metric_events.team_id IS 'Team of the acting person at event time.';
COMMENT ON COLUMN metric_events.occurred_at IS 'Event time used for the before/after split.';
COMMENT ON COLUMN metric_events.value IS 'Value: hours or minutes for durations, 0/1 for proportions, a count for counts; NULL when censored and unknown.';
COMMENT ON COLUMN metric_events.censored IS 'True when the duration is still running at the cut-off (value is then the time observed so far).';

CREATE TABLE estimates (
    analysis_id      VARCHAR NOT NULL,
    period           VARCHAR NOT NULL,
    metric           VARCHAR NOT NULL,
    method           VARCHAR NOT NULL,
    aggregation      VARCHAR NOT NULL,
    rel_period       INTEGER,
    scale            VARCHAR NOT NULL,
    estimate         DOUBLE,
    ci_low           DOUBLE,
    ci_high          DOUBLE,
    relative_change  DOUBLE,
    std_error        DOUBLE,
    p_value          DOUBLE,
    q_value          DOUBLE,
    n_treated_units  INTEGER,
    n_control_units  INTEGER,
    n_events_pre     BIGINT,
    n_events_post    BIGINT,
    mde              DOUBLE,
    flags            VARCHAR[],
    computed_at      TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE estimates IS 'Estimated effects: one row per metric x method x aggregation (and relative period for the event study).';
COMMENT ON COLUMN estimates.analysis_id IS 'Analysis run that produced the row.';
COMMENT ON COLUMN estimates.period IS 'Reporting quarter, e.g. 2026-Q3.';
COMMENT ON COLUMN estimates.metric IS 'Metric name from the catalog.';
COMMENT ON COLUMN estimates.method IS 'did, before_after, kaplan_meier, rate_ratio, two_proportion.';
COMMENT ON COLUMN estimates.aggregation IS 'simple, dynamic, group, event_time (or overall for non-DiD methods).';
COMMENT ON COLUMN estimates.rel_period IS 'Periods since treatment, for event_time rows.';
COMMENT ON COLUMN estimates.scale IS 'Scale of estimate and CI: log (durations), share, rate.';
COMMENT ON COLUMN estimates.estimate IS 'Point estimate on that scale.';
COMMENT ON COLUMN estimates.ci_low IS 'Lower bound of the confidence interval.';
COMMENT ON COLUMN estimates.ci_high IS 'Upper bound of the confidence interval.';
COMMENT ON COLUMN estimates.relative_change IS 'Effect as a relative change, e.g. -0.21 for 21% faster.';
COMMENT ON COLUMN estimates.std_error IS 'Standard error.';
COMMENT ON COLUMN estimates.p_value IS 'Two-sided p-value.';
COMMENT ON COLUMN estimates.q_value IS 'Benjamini-Hochberg q-value across the headline estimates of all metrics.';
COMMENT ON COLUMN estimates.n_treated_units IS 'Treated units contributing.';
COMMENT ON COLUMN estimates.n_control_units IS 'Comparison units contributing.';
COMMENT ON COLUMN estimates.n_events_pre IS 'Events before treatment (or in the pre window).';
COMMENT ON COLUMN estimates.n_events_post IS 'Events after treatment (or in the post window).';
COMMENT ON COLUMN estimates.mde IS 'Minimum detectable effect at 80% power on the estimate''s scale.';
COMMENT ON COLUMN estimates.flags IS 'Warnings: small_sample, pretrend_failed, imbalance, censoring_excluded_periods, ...';
COMMENT ON COLUMN estimates.computed_at IS 'When the estimate was computed.';

CREATE TABLE roi (
    analysis_id     VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    metric          VARCHAR NOT NULL,
    monetised       BOOLEAN NOT NULL,
    effect_per_event DOUBLE,
    annual_volume   DOUBLE,
    value_per_unit  DOUBLE,
    benefit         DOUBLE,
    benefit_low     DOUBLE,
    benefit_high    DOUBLE,
    cost            DOUBLE,
    roi_pct         DOUBLE,
    roi_pct_low     DOUBLE,
    bcr             DOUBLE,
    bcr_low         DOUBLE,
    currency        VARCHAR,
    computed_at     TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE roi IS 'Phillips-style ROI per monetised metric and in total (metric = ''total''); unmonetised metrics are intangibles.';
COMMENT ON COLUMN roi.analysis_id IS 'Analysis run that produced the row.';
COMMENT ON COLUMN roi.period IS 'Reporting quarter.';
COMMENT ON COLUMN roi.metric IS 'Metric name, or total.';
COMMENT ON COLUMN roi.monetised IS 'False for intangibles (no configured money value).';
COMMENT ON COLUMN roi.effect_per_event IS 'Effect per event in the metric''s unit, from the DiD estimate.';
COMMENT ON COLUMN roi.annual_volume IS 'Events of treated units over the four quarters ending with the period.';
COMMENT ON COLUMN roi.value_per_unit IS 'Configured money value of one unit of the metric.';
COMMENT ON COLUMN roi.benefit IS 'First-year benefit = effect per event x annual volume x value per unit.';
COMMENT ON COLUMN roi.benefit_low IS 'Benefit at the conservative (lower) confidence bound.';
COMMENT ON COLUMN roi.benefit_high IS 'Benefit at the upper confidence bound.';
COMMENT ON COLUMN roi.cost IS 'Fully loaded program cost (total row).';
COMMENT ON COLUMN roi.roi_pct IS 'ROI % = (benefit - cost) / cost x 100 (total row).';
COMMENT ON COLUMN roi.roi_pct_low IS 'Conservative ROI % at the lower confidence bound of the benefit.';
COMMENT ON COLUMN roi.bcr IS 'Benefit/cost ratio (total row).';
COMMENT ON COLUMN roi.bcr_low IS 'Conservative benefit/cost ratio.';
COMMENT ON COLUMN roi.currency IS 'Currency of money values.';
COMMENT ON COLUMN roi.computed_at IS 'When the row was computed.';
