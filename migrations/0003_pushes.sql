-- Multicast image pushes (udpcast protocol): one row per push, one per receiver.
-- Times are ISO-8601 UTC text.

CREATE TABLE pushes (
  id          INTEGER PRIMARY KEY,
  image       TEXT NOT NULL,              -- image name from `images`, or the file path pushed
  path        TEXT NOT NULL,              -- file actually read
  size        INTEGER NOT NULL,
  sha256      TEXT,                       -- known for registered images
  target      TEXT NOT NULL,              -- as given: cluster, rack, hostnames, or dolly.cfg
  started_by  TEXT NOT NULL,              -- who: "cli:<user>", "api:<token name>", ...
  port_base   INTEGER NOT NULL,
  data_group  TEXT NOT NULL,
  duplex      TEXT NOT NULL CHECK (duplex IN ('half', 'full')),
  max_bitrate INTEGER,                    -- bits/s, NULL = unlimited
  state       TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'done', 'failed', 'cancelled')),
  result      TEXT,                       -- why it failed, or a summary
  bytes_sent  INTEGER NOT NULL DEFAULT 0, -- including retransmissions
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT
);
CREATE INDEX pushes_state ON pushes (state);

-- Target nodes (waiting → joined → done | dropped, or never-joined) and refused strangers.
CREATE TABLE push_receivers (
  id              INTEGER PRIMARY KEY,
  push_id         INTEGER NOT NULL REFERENCES pushes(id) ON DELETE CASCADE,
  node_id         INTEGER REFERENCES nodes(id) ON DELETE SET NULL, -- nodes.id; NULL for strangers
  hostname        TEXT,
  ip              TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('waiting', 'joined', 'done', 'dropped', 'never-joined', 'refused')),
  client          INTEGER,                -- udpcast client number
  bytes_confirmed INTEGER NOT NULL DEFAULT 0,
  joined_at       TEXT,
  finished_at     TEXT,
  detail          TEXT,
  UNIQUE (push_id, ip)
);
CREATE INDEX push_receivers_node ON push_receivers (node_id);
