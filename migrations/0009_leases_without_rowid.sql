-- The leases table again, WITHOUT ROWID: a rowid table with a TEXT primary key keeps two
-- b-trees (the rows by rowid, and an index on ip), so every committed lease wrote a page in
-- each. Keyed by ip alone, a lease writes one. Same columns, same constraints, same rows.
CREATE TABLE leases_by_ip (
  ip         TEXT PRIMARY KEY,
  mac        TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('bound', 'released', 'expired', 'declined')),
  expires_at INTEGER NOT NULL,
  subnet     TEXT NOT NULL,
  hostname   TEXT,
  client_id  TEXT,
  fixed      INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO leases_by_ip (ip, mac, state, expires_at, subnet, hostname, client_id, fixed, updated_at)
  SELECT ip, mac, state, expires_at, subnet, hostname, client_id, fixed, updated_at FROM leases;
DROP TABLE leases;
ALTER TABLE leases_by_ip RENAME TO leases;
