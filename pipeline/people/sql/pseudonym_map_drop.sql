DROP TABLE pseudonym_map
