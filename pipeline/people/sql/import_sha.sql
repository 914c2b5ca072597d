SELECT sha256 FROM imports WHERE kind = ? AND source_file = ?
