-- placeholder (helper h9): keeps migration numbers contiguous on this branch so 008 applies;
-- drop at merge, where the real 006 comes from another branch.
SELECT 1;
