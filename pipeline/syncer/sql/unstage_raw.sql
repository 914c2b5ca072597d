-- Drops the staged raw records of stage_raw.sql.
DROP TABLE IF EXISTS rebuild_raw
