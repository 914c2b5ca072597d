-- Empties the exposure table before the other population's rows, or the saved rows, go in.
DELETE FROM exposure
