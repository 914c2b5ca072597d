-- Puts back the rows exposure_save.sql kept (after exposure_clear.sql).
INSERT INTO exposure SELECT * FROM analyze_exposure_saved
