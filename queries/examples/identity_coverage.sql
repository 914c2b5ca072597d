-- name: identity_coverage
-- description: Share of accounts and of metric events matched to a person, per source (no names shown)
SELECT
    a.source,
    count(*)                                              AS accounts,
    count(*) FILTER (WHERE a.is_bot)                      AS bots,
    count(*) FILTER (WHERE a.person_id IS NOT NULL)       AS matched,
    round(avg((a.person_id IS NOT NULL)::INTEGER) FILTER (WHERE NOT a.is_bot), 3) AS matched_share_humans
FROM accounts AS a
GROUP BY a.source
ORDER BY a.source
