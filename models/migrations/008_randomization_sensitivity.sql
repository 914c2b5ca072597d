-- 008: randomization inference for the staggered timing and sensitivity of the headline to
-- violations of parallel trends (issue 24, items 3 and 2).
--
-- Headline DiD rows carry a Fisher permutation p-value that permutes the cohort labels (first
-- treated month) across units and re-runs the estimator (reports/stats.FisherTimingTest), and the
-- breakdown value of Rambachan & Roth's relative-magnitudes bound; rows with aggregation
-- 'rm_sensitivity' hold the robust interval of the mean post-treatment effect under each bound
-- M̄ (reports/stats.RelativeMagnitudes).
ALTER TABLE estimates ADD COLUMN ri_p_value DOUBLE;
ALTER TABLE estimates ADD COLUMN ri_permutations INTEGER;
ALTER TABLE estimates ADD COLUMN ri_exact BOOLEAN;
ALTER TABLE estimates ADD COLUMN mbar DOUBLE;
ALTER TABLE estimates ADD COLUMN breakdown_mbar DOUBLE;
COMMENT ON COLUMN estimates.ri_p_value IS 'Headline DiD rows: two-sided Fisher randomization p-value of the studentized simple aggregation (ATT/SE), the cohort labels (first treated month, never treated included) permuted across units with cohort sizes kept and the estimator re-run on each assignment (Roth & Sant''Anna 2023; reports/stats.FisherTimingTest). Exact under random timing: every distinct assignment when there are at most 5000 (ri_exact), else (1 + #as extreme)/(1 + ri_permutations) over seeded random permutations. NULL on other rows or when the statistic is undefined.';
COMMENT ON COLUMN estimates.ri_permutations IS 'Number of assignments ri_p_value compares with: every distinct assignment when ri_exact, else the random permutations drawn (analysis.seed, stream = metric).';
COMMENT ON COLUMN estimates.ri_exact IS 'True when ri_p_value enumerated every distinct assignment of the cohort labels; NULL when there is no ri_p_value.';
COMMENT ON COLUMN estimates.mbar IS 'Rows with aggregation rm_sensitivity: the bound M̄ of Rambachan & Roth''s relative magnitudes (post-treatment violations of parallel trends at most M̄ times the largest pre-treatment one; 0, 0.5, 1, 2). Such a row has estimate = the mean effect at event times 0 to 5 of the universal-base event study (did''s dynamic aggregation with max_e = 5; up to 5 pre-treatment event times before the base period), std_error its analytic SE, and ci_low, ci_high the robust 95% interval (conditional-least-favourable hybrid test of Andrews, Roth & Pakes inverted on a grid of 100 points over ±20 SE, as HonestDiD; NULL on a side that reaches the grid''s edge). NULL on other rows.';
COMMENT ON COLUMN estimates.breakdown_mbar IS 'Headline DiD rows: the smallest M̄ (to 0.1) at which the robust interval of the rm_sensitivity rows includes zero: 0 when it already does at M̄ = 0, Infinity when it does not up to M̄ = 4. NULL when the sensitivity analysis could not run (no pre-treatment or fewer than two post-treatment event times).';
