-- 005: an ROI a CFO would sign (issue 20): relative intervals on estimates, bootstrap intervals and
-- the conservative figure on roi, the Kirkpatrick/Phillips level, and every cost line in roi_costs.

-- Estimates: a relative change always comes with an interval on the same scale.
ALTER TABLE estimates ADD COLUMN relative_ci_low DOUBLE;
ALTER TABLE estimates ADD COLUMN relative_ci_high DOUBLE;
COMMENT ON COLUMN estimates.relative_ci_low IS 'Lower bound of the confidence interval as a relative change (same scale as relative_change, e.g. -0.30 for 30% less): exp(ci_low) - 1 on the log scale; for shares and rates ci_low over the level relative_change is relative to, and never below -1 (none left) nor, for a share, above a share of 1. NULL when relative_change or the interval is missing.';
COMMENT ON COLUMN estimates.relative_ci_high IS 'Upper bound of the confidence interval as a relative change, as relative_ci_low.';

-- ROI: intervals from one cluster bootstrap over teams shared by every metric.
ALTER TABLE roi ADD COLUMN benefit_ci_low DOUBLE;
ALTER TABLE roi ADD COLUMN benefit_ci_high DOUBLE;
ALTER TABLE roi ADD COLUMN net_benefit DOUBLE;
ALTER TABLE roi ADD COLUMN net_benefit_ci_low DOUBLE;
ALTER TABLE roi ADD COLUMN net_benefit_ci_high DOUBLE;
ALTER TABLE roi ADD COLUMN roi_pct_ci_low DOUBLE;
ALTER TABLE roi ADD COLUMN roi_pct_ci_high DOUBLE;
ALTER TABLE roi ADD COLUMN bcr_ci_low DOUBLE;
ALTER TABLE roi ADD COLUMN bcr_ci_high DOUBLE;
ALTER TABLE roi ADD COLUMN conservative_roi_pct DOUBLE;
ALTER TABLE roi ADD COLUMN conservative_bcr DOUBLE;
ALTER TABLE roi ADD COLUMN level VARCHAR;
ALTER TABLE roi ADD COLUMN unit_value_unit VARCHAR;
ALTER TABLE roi ADD COLUMN baseline DOUBLE;

COMMENT ON TABLE roi IS 'Phillips ROI of the period: one row per metric of the catalog (unmonetised metrics are intangibles: monetised = false, listed, never converted to money) and a total row (metric = ''total''). Intervals come from one cluster (multiplier) bootstrap over teams whose per-team weights are shared by every metric, so the total''s interval reflects the metrics'' correlation. First-year benefits only.';
COMMENT ON COLUMN roi.effect_per_event IS 'Effect per event in the metric''s unit at the point estimate (negative = a decrease): for durations baseline x (exp(estimate) - 1), hours or minutes; for shares and rates the DiD estimate (events or counts per event).';
COMMENT ON COLUMN roi.annual_volume IS 'Treated units'' annualised event rate: events of the units of the cohorts whose effect was estimated, from their first treated period (after washout) up to the cut-off, divided by the years they were observed in that time; NULL without an estimate.';
COMMENT ON COLUMN roi.benefit IS 'First-year benefit at the point estimate = improvement per event (effect per event, negated when lower is better) x annual volume x value per unit; a harm is negative; 0 without an estimate (no data means no improvement); NULL for intangibles (monetised = false).';
COMMENT ON COLUMN roi.benefit_low IS 'Since migration 005 the same as benefit_ci_low (the lower bound of the bootstrap interval of the benefit; harms counted as harms). Kept for old queries.';
COMMENT ON COLUMN roi.benefit_high IS 'Since migration 005 the same as benefit_ci_high. Kept for old queries.';
COMMENT ON COLUMN roi.roi_pct_low IS 'Since migration 005 the same as conservative_roi_pct (total row). Kept for old queries.';
COMMENT ON COLUMN roi.bcr_low IS 'Since migration 005 the same as conservative_bcr (total row). Kept for old queries.';
COMMENT ON COLUMN roi.benefit_ci_low IS 'Lower bound of the (1 - analysis.alpha) percentile interval of the benefit over the shared team bootstrap (type-7 quantile of the draws).';
COMMENT ON COLUMN roi.benefit_ci_high IS 'Upper bound of that interval.';
COMMENT ON COLUMN roi.net_benefit IS 'Total row: benefit - cost.';
COMMENT ON COLUMN roi.net_benefit_ci_low IS 'Total row: lower bound of the bootstrap interval of benefit - cost.';
COMMENT ON COLUMN roi.net_benefit_ci_high IS 'Total row: upper bound of the bootstrap interval of benefit - cost.';
COMMENT ON COLUMN roi.roi_pct_ci_low IS 'Total row: lower bound of the bootstrap interval of ROI % = (benefit - cost) / cost x 100.';
COMMENT ON COLUMN roi.roi_pct_ci_high IS 'Total row: upper bound of that interval.';
COMMENT ON COLUMN roi.bcr_ci_low IS 'Total row: lower bound of the bootstrap interval of benefit / cost.';
COMMENT ON COLUMN roi.bcr_ci_high IS 'Total row: upper bound of that interval.';
COMMENT ON COLUMN roi.conservative_roi_pct IS 'Total row: the conservative ROI % (Phillips: the most conservative alternative) = roi_pct_ci_low, the lower bound of the total''s interval, harms counted as harms.';
COMMENT ON COLUMN roi.conservative_bcr IS 'Total row: the conservative benefit/cost ratio = bcr_ci_low.';
COMMENT ON COLUMN roi.level IS 'Kirkpatrick/Phillips level of the metric (queries/metrics header level): L3 behaviour or L4 impact; NULL on the total row.';
COMMENT ON COLUMN roi.unit_value_unit IS 'What value_per_unit is paid for: an hour, a minute, an event (a share metric: one event avoided or gained) or a count.';
COMMENT ON COLUMN roi.baseline IS 'Durations: the treated units'' arithmetic mean untreated duration in the metric''s unit (the outcome the effect is relative to), by which the relative effect is turned into hours or minutes per event; NULL otherwise.';

-- Every cost line of the fully loaded program cost.
CREATE TABLE roi_costs (
    analysis_id VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    line        VARCHAR NOT NULL,
    quantity    DOUBLE,
    unit_cost   DOUBLE,
    amount      DOUBLE NOT NULL,
    currency    VARCHAR,
    computed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE roi_costs IS 'The fully loaded program cost of an analysis, one row per cost line (config roi.costs); their amounts add up to the cost of the roi total row.';
COMMENT ON COLUMN roi_costs.analysis_id IS 'Analysis run that produced the row.';
COMMENT ON COLUMN roi_costs.period IS 'Reporting quarter.';
COMMENT ON COLUMN roi_costs.line IS 'participant_fee (fee x everyone enrolled before the cut-off, dropouts included), participant_time (hours x loaded hourly rate x everyone enrolled), facilitation, design_development, evaluation, overhead, or a configured other line.';
COMMENT ON COLUMN roi_costs.quantity IS 'How many: people enrolled (fee), person-hours (time), 1 for fixed lines.';
COMMENT ON COLUMN roi_costs.unit_cost IS 'Cost of one: the fee, the loaded hourly rate, or the fixed amount.';
COMMENT ON COLUMN roi_costs.amount IS 'quantity x unit_cost.';
COMMENT ON COLUMN roi_costs.currency IS 'Currency (roi.currency).';
COMMENT ON COLUMN roi_costs.computed_at IS 'When the row was computed.';
