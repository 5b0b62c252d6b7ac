-- DHCP leases (issue 4). One row per address; a row is kept after release/expiry so the
-- client gets the same address back. Offers are held in memory only (60 s).
-- expires_at and updated_at are ms since the epoch. Active lease: state = 'bound' AND expires_at > now.
CREATE TABLE leases (
  ip         TEXT PRIMARY KEY,
  mac        TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('bound', 'released', 'expired', 'declined')),
  expires_at INTEGER NOT NULL,
  subnet     TEXT NOT NULL,
  hostname   TEXT,
  client_id  TEXT,
  fixed      INTEGER NOT NULL DEFAULT 0, -- 1 when the address is the node's fixed one from the inventory
  updated_at INTEGER NOT NULL
);
CREATE INDEX leases_mac ON leases (mac);
