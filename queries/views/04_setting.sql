-- setting(k, dflt): the numeric configuration value k from the settings table (rewritten from
-- trainimpact.yaml by every writing command), or dflt when it is absent. Keys: analysis.min_cell
-- (smallest group of people or respondents shown), dora.failure_window_hours (how long after a
-- production deployment an incident on a mapped service counts as its failure).
CREATE OR REPLACE MACRO setting(k, dflt) AS
    coalesce((SELECT s.value FROM settings AS s WHERE s.key = k), dflt)
