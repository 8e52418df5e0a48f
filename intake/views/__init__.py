"""Pages of the participatory budget's first part: editions, proposals, imports."""
