-- Drops the copy exposure_save.sql made.
DROP TABLE IF EXISTS analyze_exposure_saved
