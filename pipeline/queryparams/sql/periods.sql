-- The reporting periods analysed in this database.
SELECT DISTINCT period FROM estimates ORDER BY period
