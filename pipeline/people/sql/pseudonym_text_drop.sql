DROP TABLE pseudonym_text
