-- The units of the DiD panels (see units.sql), one row each in the numbering panel.sql uses.
SELECT unit, unit_id, g, coalesce(treated_period, 0) AS treated_period
FROM (
{{UNITS}}
) AS u
