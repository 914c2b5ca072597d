-- 003: table and column comments brought in line with what the code writes.
--
-- An audit of every comment against the connectors, the derive SQL, people/exposure, the metric
-- catalog, analyze and roi found lists missing values (flags, states, commands), derivations that
-- had changed (reassignments, assignee, cursors, exposure dates) and counts written as 0 where a
-- reader would expect NULL. Comments only; no data changes.

-- Raw layer
COMMENT ON TABLE raw_records IS 'API payloads as fetched, latest version per native id; canonical tables are re-derived from here by `trainimpact rebuild` without the network. Empty in a warehouse published with people.pseudonymize on.';
COMMENT ON COLUMN raw_records.scope IS 'Collection scope the payload was fetched under: owner/repo for GitHub records (the organisation for repository records), the issue id for Jira changelog records; empty otherwise.';
COMMENT ON COLUMN raw_records.updated_at IS 'Last-modified time the source reported for the record; for records that never change (log entries, changelog histories, reviews, commits, deployment statuses) their creation, submission or commit time; NULL when none.';

-- People and identity
COMMENT ON COLUMN people.person_id IS 'Stable pseudonymous id: ''people:person:'' + first 16 hex digits of a hash of the lower-cased work email (of the keyed hash when people.pseudonymize is on).';
COMMENT ON COLUMN people.name IS 'Display name; no people file carries one at present, so NULL (a keyed hash when people.pseudonymize is on and a name is present).';
COMMENT ON COLUMN accounts.native_id IS 'Account id at the source: PagerDuty user id, Jira accountId (else user key, else user name), GitHub login, or ''email:<lower-cased commit email>'' for commit authors without a login; a keyed hash when people.pseudonymize is on.';
COMMENT ON COLUMN accounts.email IS 'Email as the source reports it (lower-cased for Jira and GitHub; NULL when hidden, as in Jira Cloud, or unknown); for a GitHub login, the commit author email its commits carry most often; a keyed hash when people.pseudonymize is on.';
COMMENT ON COLUMN accounts.is_bot IS 'True for automation accounts (GitHub logins ending in [bot], users of type Bot or matching sources.github.bot_patterns; Jira app accounts); bots are never matched to people.';
COMMENT ON COLUMN enrollments.status IS 'As of the last refresh: completed (completion date not after today), in_progress (completion in the future, or none yet while the cohort''s first completion is less than 21 days old or absent) or dropout (no completion 21 days after the cohort''s first completion).';
COMMENT ON COLUMN imports.source_file IS 'Absolute path of the imported file.';

-- Incidents
COMMENT ON COLUMN incidents.updated_at IS 'Last change the source reported: the incident''s updated_at, else the later of last_status_change_at and created_at.';
COMMENT ON COLUMN incidents.reassignment_count IS 'Number of assign log entries whose assignees differ from those of the previous assigning entry (trigger, escalate or assign); escalations are not counted.';
COMMENT ON COLUMN incidents.assignee_account_id IS 'First assignee of the latest log entry that assigned the incident (trigger, escalate or assign), else its first current assignment; incident metrics attribute events to this person''s team, except incident_ack_minutes, which uses the first responder when there is one.';
COMMENT ON COLUMN incident_events.assignee_account_ids IS 'User accounts the entry assigned (trigger, escalate and assign entries); NULL for notify entries and entries without user assignees.';

-- Delivery
COMMENT ON COLUMN pr_reviews.state IS 'APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING (not submitted; submitted_at NULL).';
COMMENT ON COLUMN deployments.status IS 'Latest status state (by creation): queued, pending, in_progress, success, failure, error or inactive; NULL when the deployment has no status.';
COMMENT ON TABLE deployment_prs IS 'Which merged pull requests each deployment (failed ones included) is taken to ship, by time rather than by commit graph; see the rule in connectors/github.';
COMMENT ON COLUMN deployment_prs.pr_id IS 'A pull request of the repository merged into the default branch after the creation of the previous successful deployment to the same environment and at or before this deployment''s creation.';

-- Sync state and the run ledger
COMMENT ON COLUMN sync_state.scope IS 'Collection scope: the organisation (GitHub repository listing) or owner/repo (other GitHub entities); empty for PagerDuty and Jira.';
COMMENT ON COLUMN sync_state.entity IS 'Entity collected; GitHub deployments have one cursor per environment, ''deployment/<environment>''.';
COMMENT ON COLUMN sync_state.cursor IS 'Where the next incremental fetch starts, minus the overlap: the largest updated time committed (Jira issues, GitHub pull requests), the end of the time range fully committed (PagerDuty), the creation of the oldest deployment whose status may still change (GitHub deployments), or the time of the last complete walk (GitHub repository lists).';
COMMENT ON COLUMN runs.command IS 'Command that ran: init, sync, import, rebuild, analyze or demo.';
COMMENT ON COLUMN runs.counts IS 'What the command wrote, JSON: for sync, per source and entity the Fetched, New, Updated, Unchanged and Deleted raw records; for rebuild, raw records re-mapped per source; for import, rows, added, changed and removed per file kind; for analyze, estimates and events per metric.';
COMMENT ON COLUMN runs.durations IS 'Seconds per source for sync, JSON; empty for other commands.';

-- Exposure
COMMENT ON COLUMN exposure.status IS 'treated (completed; with analysis.dropouts = intention_to_treat also dropped out, from the cohort''s first completion), not_yet (enrolled, completion in the future or cohort still running), never, or dropout (dropped out, excluded from the treated).';
COMMENT ON COLUMN exposure.treated_at IS 'Treatment date: for a person, their earliest completion; for a team, the earliest date a trained lead was in office (their completion, or the start of their tenure if they completed before it); under intention to treat, a dropout''s cohort''s first completion.';
COMMENT ON COLUMN exposure.cohort_id IS 'Cohort through which the unit was treated; for dropout rows the cohort dropped out of.';
COMMENT ON COLUMN exposure.lead_person_id IS 'For teams: the trained lead whose completion treats the team; for not_yet and dropout teams, the lead who is enrolled or who dropped out.';

-- Metrics and estimates
COMMENT ON COLUMN metric_events.team_id IS 'Team of the acting person when the incident, ticket or pull request was created (team_at), which can differ from occurred_at (ticket_cycle_hours).';
COMMENT ON COLUMN metric_events.censored IS 'True when the duration had not ended by the cut-off (or, for incident_ack_minutes, the incident was resolved unacknowledged); value is then the time observed until the cut-off or the resolution.';
COMMENT ON COLUMN estimates.scale IS 'Scale of estimate and CI: log (durations, and the rate_ratio rows of counts: ln ratio), share (proportions), rate (counts: mean count per event).';
COMMENT ON COLUMN estimates.rel_period IS 'Event time for event_time rows: periods since g, the first whole period starting on or after treated_at plus the washout (0 = first fully treated period; negative = before treatment); NULL on other rows.';
COMMENT ON COLUMN estimates.n_treated_units IS 'Treated units contributing (did: in estimated cohorts, per event time on event_time rows; before_after: units with both windows); 0 on kaplan_meier, two_proportion and rate_ratio rows, which pool events.';
COMMENT ON COLUMN estimates.n_control_units IS 'Comparison units contributing (did rows only; 0 otherwise).';
COMMENT ON COLUMN estimates.flags IS 'Warnings: small_sample (fewer than analysis.min_cell treated or comparison units), pretrend_failed (DiD pre-trend test rejected at analysis.alpha), imbalance (pre-treatment levels of treated and never-treated units differ by more than 0.25 SD), censoring_excluded_periods (periods with more than analysis.max_censored censored events left out), not_causal (within-treated before/after comparison), not_estimable (no estimate; numbers NULL), suppressed (resting on fewer than analysis.min_cell people: a person-level row, or every row of a metric whose treated teams'' events come from fewer; numbers NULL).';

-- ROI
COMMENT ON TABLE roi IS 'Phillips-style ROI: one row per metric of the catalog (unmonetised metrics are intangibles, monetised = false) and a total row (metric = ''total'').';
COMMENT ON COLUMN roi.annual_volume IS 'Events, in the year ending at the cut-off (end of the period, or now if earlier), of units treated before the cut-off.';
COMMENT ON COLUMN roi.benefit IS 'First-year benefit = improvement per event (effect per event, negated when lower is better) x annual volume x value per unit; 0 without an estimate.';
COMMENT ON COLUMN roi.benefit_low IS 'Conservative benefit: the bound nearer zero when the whole interval is an improvement, 0 when it crosses zero or is missing, the worse bound in full when the whole interval is a deterioration.';
COMMENT ON COLUMN roi.benefit_high IS 'Benefit at the more favourable confidence bound.';
COMMENT ON COLUMN roi.roi_pct_low IS 'Conservative ROI % = (benefit_low - cost) / cost x 100 (total row).';
