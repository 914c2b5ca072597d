DELETE FROM caveats WHERE period = ?
