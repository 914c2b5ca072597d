// Package jira collects Jira issues and their changelogs (Cloud and Data Center) into tickets,
// ticket_changes and accounts, through github.com/andygrunwald/go-jira v1.17 running on the shared
// httpx transport.
//
// # Deployments
//
// The deployment comes from the config (deployment: cloud | datacenter) or, when empty, from
// GET /rest/api/2/serverInfo (deploymentType "Cloud" means Cloud, anything else Data Center).
//
//   - Cloud: basic auth (email_env, token_env). Issues come from the enhanced search,
//     POST /rest/api/3/search/jql with nextPageToken (no total; jql, fields, expand=changelog in
//     the body), sent through the go-jira client's NewRequest/Do. The removed /rest/api/2/search
//     (410 Gone since 2025, CHANGE-2046) is never called. Enhanced search embeds at most 40
//     changelog histories per issue, the most recent first; when the embedded changelog's total
//     is larger, the missing older histories are read from GET /rest/api/3/issue/{id}/changelog
//     (paged by startAt, oldest first) and kept as raw "changelog" records.
//   - Data Center: bearer personal access token (token_env alone). Issues come from
//     GET /rest/api/2/search?startAt=..&expand=changelog, whose embedded changelog is complete;
//     after the first page (which gives the total) pages are fetched concurrently and committed
//     in order.
//
// # Incremental rule
//
// The cursor (source jira, scope "", entity issue) is the largest fields.updated committed. The
// next sync asks for `(<jql>) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC, key ASC`
// where the date is cursor − overlap written in the time zone of the Jira user (from
// /rest/api/2/myself): Jira interprets JQL dates in the searching user's zone, so a date written
// in UTC would skip hours of updates for a user west of Greenwich. Minutes are truncated down, so
// the bound only ever widens. Pages are committed in updated order with the cursor they prove,
// so a killed run resumes from the last committed page.
//
// A full sync (SyncOptions.Full) refetches everything from since and then marks the issues
// stored live but no longer returned (deleted, or moved out of the JQL) as deleted.
//
// # Raw records
//
// Entities in raw_records: issue (one search result object, native id = issue id), changelog
// (one history from the changelog endpoint, native id = history id, scope = issue id), field and
// status (the catalogs, one record per field/status) and priorities (the priority list as
// returned, most urgent first, native id "all"). Map turns issues and changelog histories into
// tickets, ticket_changes (status, priority, assignee, labels) and accounts; DeriveSQL computes
// reopen_count, first_in_progress_at, priority_raised and escalation_label_added from
// ticket_changes with the status categories and priority order stored as raw records.
package jira
