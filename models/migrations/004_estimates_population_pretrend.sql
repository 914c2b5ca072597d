-- 004: estimates say which population and cell outcome they are for, which row is the headline,
-- and carry the small-sample pre-trend test of the DiD.
--
-- Every metric is now estimated twice, per protocol (dropouts left out) and by intention to
-- treat (dropouts treated from their cohort's first completion); analysis.dropouts picks the
-- headline population. Duration metrics get a censoring-aware cell outcome (the metric's catalog
-- header: outcome, horizon) with the mean of the resolved items kept as a sensitivity row.
ALTER TABLE estimates ADD COLUMN population VARCHAR;
ALTER TABLE estimates ADD COLUMN outcome VARCHAR;
ALTER TABLE estimates ADD COLUMN headline BOOLEAN;
ALTER TABLE estimates ADD COLUMN pretrend_stat DOUBLE;
ALTER TABLE estimates ADD COLUMN pretrend_df1 DOUBLE;
ALTER TABLE estimates ADD COLUMN pretrend_df2 DOUBLE;
ALTER TABLE estimates ADD COLUMN pretrend_p DOUBLE;
ALTER TABLE estimates ADD COLUMN pretrend_note VARCHAR;
COMMENT ON COLUMN estimates.population IS 'per_protocol (units whose lead dropped out of the program left out) or intention_to_treat (dropouts treated from their cohort''s first completion); every metric has rows of both, analysis.dropouts picks the headline one (exclude = per_protocol).';
COMMENT ON COLUMN estimates.outcome IS 'What the DiD cell outcome is: restricted_mean_log (durations: mean of ln min(value, horizon) over the events at least the horizon old at the cut-off, open ones counting at the horizon; the horizon is in the metric''s catalog header), resolved_mean_log (durations, sensitivity row: mean ln value of the resolved events only, periods with more than analysis.max_censored open left out), share (proportions), per_event (counts); for pooled rows what they compare.';
COMMENT ON COLUMN estimates.headline IS 'True on the one headline row of each metric and analysis: did, simple aggregation, the configured population, the metric''s catalog outcome. Benjamini-Hochberg q-values are computed over these rows.';
COMMENT ON COLUMN estimates.pretrend_stat IS 'DiD rows: F statistic of the pre-trend test on the pre-treatment event-time aggregates (Hotelling T² scaled to F(df1, df2); see reports/stats.PreTrendEventTest). NULL when it could not run (pretrend_note says why) and on other methods.';
COMMENT ON COLUMN estimates.pretrend_df1 IS 'Numerator degrees of freedom of the pre-trend F test: the number of pre-treatment event times tested.';
COMMENT ON COLUMN estimates.pretrend_df2 IS 'Denominator degrees of freedom of the pre-trend F test: ν − df1 + 1, ν the Satterthwaite degrees of freedom of the tested event times.';
COMMENT ON COLUMN estimates.pretrend_p IS 'p-value of the pre-trend F test; the row is flagged pretrend_failed when it is below analysis.alpha.';
COMMENT ON COLUMN estimates.pretrend_note IS 'Why the pre-trend test did not run on a DiD row (e.g. "no pre-treatment period", "singular covariance"); NULL when it ran.';
COMMENT ON COLUMN estimates.flags IS 'Warnings: small_sample (fewer than analysis.min_cell treated or comparison units), small_cohort (more than half of the simple aggregation''s weight rests on cohorts of fewer than analysis.min_cell treated units), pretrend_failed (the pre-trend F test ran and rejected at analysis.alpha), imbalance (ever-treated units'' pre-treatment and never-treated units'' outcome levels, each cell relative to its period''s mean, differ by more than 0.25 pooled SD and beyond chance at the two-sided 1% level, Welch t), censoring_excluded_periods (resolved_mean_log rows: periods with more than analysis.max_censored open events left out), not_causal (within-treated comparisons), not_estimable (no estimate; numbers NULL), suppressed (resting on fewer than analysis.min_cell people; numbers NULL), no_cluster_p (kaplan_meier, two_proportion or rate_ratio row whose cluster-robust standard error could not be computed: estimate without interval or p-value).';
COMMENT ON COLUMN estimates.n_treated_units IS 'Treated units contributing (did: in estimated cohorts, per event time on event_time rows; before_after: units with both windows; kaplan_meier, two_proportion and rate_ratio: the treated units whose events are pooled, the clusters of their standard error).';
COMMENT ON COLUMN estimates.p_value IS 'Two-sided p-value. did rows: est/SE on Student''s t with Satterthwaite degrees of freedom; kaplan_meier: est/SE on t(G-1), SE from a cluster bootstrap over the G treated units (the interval uses the same SE); two_proportion and rate_ratio: est/SE on t(G-1) with a cluster-robust (CR1) SE over units; before_after: Wilcoxon signed-rank over units.';
