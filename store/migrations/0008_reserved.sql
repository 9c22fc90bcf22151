-- 0008: reserved for a change developed on another branch at the same time
-- as 0009. The numbers must have no gaps, so this empty step stands in for
-- it until the branches are merged; the merge replaces this file with the
-- real 0008.
SELECT 1;
