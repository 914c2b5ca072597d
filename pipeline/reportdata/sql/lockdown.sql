-- The report reads the warehouse only: no file, network or extension access from SQL.
SET enable_external_access = false
