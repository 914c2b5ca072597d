-- 004: PLACEHOLDER on branch h4 only, so that 005 follows without a gap. Another branch owns the
-- real 004; drop this file when merging.
SELECT 1;
