-- Synthetic load for the benchmarks (benchdata.Events): $teams teams (two thirds trained at
-- staggered dates in 2024-2025, the rest never) of eight people each, and $events metric events
-- spread evenly over the catalog's metrics ($names, $kinds) over 2023-2025, each by one person of
-- its team, stored metric after metric as metrics.Derive writes them (one INSERT per metric), so
-- that the row groups of one metric hold no other.
INSERT INTO exposure
SELECT 'team', 'T' || i,
       CASE WHEN i % 3 = 0 THEN 'never' ELSE 'treated' END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(DATE '2024-01-10' + to_months(CAST(i % 20 AS INTEGER)) AS DATE) END,
       NULL, NULL, NULL, NULL
FROM range($teams) AS r(i);

INSERT INTO metric_events
SELECT m.name,
       'e' || i,
       'P' || ((hash(i) % $teams) * 8 + hash(i * 29) % 8),
       'T' || (hash(i) % $teams),
       TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(CAST(hash(i * 7) % (3 * 365 * 86400) AS BIGINT)),
       CASE WHEN m.kind = 'duration' THEN exp(1 + (hash(i * 13) % 1000) / 400.0)
            WHEN m.kind = 'proportion' THEN CAST(hash(i * 17) % 10 = 0 AS INTEGER)
            ELSE CAST(hash(i * 19) % 3 AS DOUBLE) END,
       m.kind = 'duration' AND hash(i * 23) % 50 = 0
FROM range($events) AS r(i)
JOIN (SELECT unnest($names) AS name, unnest($kinds) AS kind, generate_subscripts($names, 1) - 1 AS k) AS m
  ON m.k = i % len($names)
ORDER BY m.k
