DELETE FROM exposure
