-- Keeps the exposure table's rows (the configured population's, as refresh wrote them) while the
-- other population's are swapped in for its estimates; exposure_restore.sql puts them back in the
-- same transaction.
CREATE OR REPLACE TEMP TABLE analyze_exposure_saved AS SELECT * FROM exposure
