-- Accounts of people (bots left out) and how many are matched to a person.
SELECT count(*) AS accounts, count(person_id) AS matched FROM accounts WHERE NOT is_bot
