// Package pagerduty collects PagerDuty incidents and their timelines (log entries) through the
// REST API v2 with go-pagerduty (pagerduty.NewClient with WithAPIEndpoint(base_url); its HTTP
// client runs on the shared httpx transport, so every request is retried, rate-limit aware and
// bounded by the configured concurrency). Requests go through the library's Client.Do, so that
// each payload is kept byte for byte as raw_records before it is mapped.
//
// # What is collected, in order
//
//  1. users, teams, services, escalation policies: listed in full on every sync (a few pages; the
//     API has no "changed since" filter for them). Users become accounts.
//  2. incidents: GET /incidents by creation time, since the incident cursor minus the overlap (the
//     configured since on the first or a full sync), with service_ids[], team_ids[] and
//     urgencies[] from the configuration.
//  3. log entries: GET /log_entries by creation time, since the log entry cursor minus the overlap,
//     one paginated stream for the whole account (team_ids[] from the configuration, services
//     filtered on the entry's service) instead of one call per incident. Entries of incidents
//     outside the scope (created before since, other urgencies) are not kept.
//
// Both listings slice [since, now] into 30-day windows (inside the API's ~6-month since/until
// range limit). The first page of a window asks for total=true; a window holding more than
// 10,000 records (the offset cap: offset+limit may not pass 10,000) is split into parts of about
// 8,000 and re-listed; otherwise all its remaining pages are requested at once, in parallel with
// the other windows' pages. Pages are committed in groups of 5,000–20,000 records (raw payloads
// and mapped rows in one transaction) while later pages are fetched; a cursor advances only over
// the contiguous run of completed windows, in the batch that completes them, so a killed sync
// resumes where the committed data ends.
//
// # Incremental rule
//
// PagerDuty's /incidents has no "updated since" filter, but every change to an incident produces a
// log entry. An incremental sync therefore lists (2) only incidents created since the cursor, and
// (3) the log entries since the cursor; for each entry whose incident is not stored with an
// updated_at at or after the entry (neither fetched in this run nor in the database), the
// incident is re-fetched with GET /incidents/{id} and committed before the entries. A sync with
// nothing new makes about six requests (four reference lists, one incident window, one log entry
// window). A full sync (--full) lists everything from since and then marks records stored but no
// longer returned as deleted.
//
// # Canonical rows
//
// incidents (pagerduty:incident:<id>) from the incident payloads; incident_events
// (pagerduty:log_entry:<id>, type without the _log_entry suffix, agent and assignees as accounts)
// from the log entries; accounts (pagerduty:account:<user id>) from users. The columns computed
// across records — acknowledged_at and first responder (first acknowledge entry), resolved_at where
// the API gave none (the resolve entry; the API's resolved_at wins, last_status_change_at is never
// used), resolver, escalation_count, reassignment_count (assign entries that assign to someone
// other than the previous assignment), last assignee, and accounts for users seen only in
// timelines — are recomputed by the statements of DeriveSQL (derive/*.sql) after every sync and
// rebuild.
package pagerduty
