-- Free-text values rewritten by people.Pseudonymize's scrubber, by the rowid of their row; dropped
-- once the column is updated (pseudonym_text_drop.sql).
CREATE TABLE pseudonym_text (rid BIGINT NOT NULL, v VARCHAR NOT NULL)
