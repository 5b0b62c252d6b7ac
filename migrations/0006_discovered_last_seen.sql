-- The discovered list is capped (oldest last_seen evicted first): index the eviction order.
CREATE INDEX discovered_last_seen ON discovered (last_seen);
