-- 009: randomization inference for the staggered timing (issue 24, item 3).
--
-- Headline DiD rows carry a Fisher permutation p-value that permutes the cohort labels (first
-- treated month) across units and re-runs the estimator (reports/stats.FisherTimingTest).
ALTER TABLE estimates ADD COLUMN ri_p_value DOUBLE;
ALTER TABLE estimates ADD COLUMN ri_permutations INTEGER;
ALTER TABLE estimates ADD COLUMN ri_exact BOOLEAN;
COMMENT ON COLUMN estimates.ri_p_value IS 'Headline DiD rows: two-sided Fisher randomization p-value of the studentized simple aggregation (ATT/SE), the cohort labels (first treated month, never treated included) permuted across units with cohort sizes kept and the estimator re-run on each assignment (Roth & Sant''Anna 2023; reports/stats.FisherTimingTest). Exact under random timing: every distinct assignment when there are at most 5000 (ri_exact), else (1 + #as extreme)/(1 + ri_permutations) over seeded random permutations. NULL on other rows or when the statistic is undefined.';
COMMENT ON COLUMN estimates.ri_permutations IS 'Number of assignments ri_p_value compares with: every distinct assignment when ri_exact, else the random permutations drawn (analysis.seed, stream = metric).';
COMMENT ON COLUMN estimates.ri_exact IS 'True when ri_p_value enumerated every distinct assignment of the cohort labels; NULL when there is no ri_p_value.';
