-- The latest period with estimates before $1 (periods are written YYYY-Qn, which sort as text).
SELECT max(period) FROM estimates WHERE period < $1
