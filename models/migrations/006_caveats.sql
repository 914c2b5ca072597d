-- 006: caveats, what a reader of a period's estimates must be told about the data behind them.
--
-- `analyze` and `run` compare the reporting period with each source's sync cursors
-- (pipeline/freshness). A period the data does not cover stops them unless --allow-stale; with it,
-- every estimate of the period carries the flag stale_source and a row here names the source and
-- its last data. A `run --allow-partial` whose sync of a source failed records a missing_source row.
-- Each analysis of a period replaces that period's rows, so they always describe the estimates
-- published beside them. The report reads this table.
CREATE TABLE caveats (
    period      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    last_data   TIMESTAMPTZ,
    detail      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (period, kind, source)
);
COMMENT ON TABLE caveats IS 'Caveats about the data behind a reporting period''s estimates, one row per (period, kind, source); replaced by every analysis of the period.';
COMMENT ON COLUMN caveats.period IS 'Reporting quarter the caveat applies to, e.g. 2026-Q3 (as estimates.period).';
COMMENT ON COLUMN caveats.kind IS 'stale_source (the source''s data ends before the period does; the estimates carry the flag stale_source) or missing_source (the source failed to sync in the run that analysed the period; its data is as of an earlier sync).';
COMMENT ON COLUMN caveats.source IS 'Source name (pagerduty, jira, github).';
COMMENT ON COLUMN caveats.last_data IS 'Latest sync cursor of the source (its last data, on the source''s clock); NULL when it was never synced.';
COMMENT ON COLUMN caveats.detail IS 'The caveat in one sentence, for the report.';
COMMENT ON COLUMN caveats.run_id IS 'Ledger id (runs.run_id) of the command that recorded it.';
COMMENT ON COLUMN caveats.recorded_at IS 'When it was recorded.';

COMMENT ON COLUMN runs.command IS 'Command that ran: init, sync, import, rebuild, analyze, run or demo.';
COMMENT ON COLUMN runs.counts IS 'What the command wrote, JSON: for sync, per source and entity the Fetched, New, Updated, Unchanged and Deleted raw records; for rebuild, raw records re-mapped per source; for import, rows, added, changed and removed per file kind; for analyze, estimates and events per metric; for run, one key per stage (people: per file kind its rows, added, changed, removed or "unchanged"; sync: per source and entity as for sync; refresh: units and accounts matched; freshness: stale sources; analyze: estimates, metric events and caveats; report: files written or skipped).';
COMMENT ON COLUMN runs.durations IS 'Seconds, JSON: per source for sync; for run, per stage (people, sync, sync.<source>, refresh, freshness, analyze, report); empty for other commands.';
