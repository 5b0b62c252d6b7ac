-- The daemon holds every lease in memory and looks clients up by MAC there; nothing queries
-- this table by MAC. The index cost one randomly placed b-tree page per committed lease
-- (random MACs), which doubled the WAL written per commit.
DROP INDEX leases_mac;
