-- rackboot inventory: clusters, profiles, images, nodes, boot events, discovered machines.
-- Times are ISO-8601 UTC text. MACs are canonical lower-case aa:bb:cc:dd:ee:ff.

CREATE TABLE clusters (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  session_id     INTEGER NOT NULL DEFAULT 1 CHECK (session_id BETWEEN 1 AND 254),
  nbmin          INTEGER NOT NULL DEFAULT 1 CHECK (nbmin BETWEEN 1 AND 256),
  iface          TEXT NOT NULL DEFAULT 'eth0',
  node_id_policy TEXT NOT NULL DEFAULT 'lowest-free' CHECK (node_id_policy IN ('lowest-free', 'from-ip'))
);

CREATE TABLE profiles (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  template      TEXT NOT NULL DEFAULT 'pxelinux',
  prompt        INTEGER NOT NULL DEFAULT 1,
  timeout       INTEGER NOT NULL DEFAULT 5,
  display       TEXT,
  f1            TEXT,
  default_label TEXT
);

-- The menu entries of a profile, in order; the first is DEFAULT unless default_label says.
CREATE TABLE profile_labels (
  id         INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  menu_label TEXT,
  localboot  INTEGER,
  kernel     TEXT,
  initrds    TEXT NOT NULL DEFAULT '[]', -- JSON array of paths
  args       TEXT NOT NULL DEFAULT '',
  UNIQUE (profile_id, name),
  UNIQUE (profile_id, position),
  CHECK ((localboot IS NULL) <> (kernel IS NULL))
);

CREATE TABLE images (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  path     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  sha256   TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('kernel', 'initrd', 'disk')),
  added_at TEXT NOT NULL
);

CREATE TABLE nodes (
  id            INTEGER PRIMARY KEY,
  mac           TEXT NOT NULL UNIQUE,
  hostname      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  ip            TEXT UNIQUE,
  node_id       INTEGER CHECK (node_id >= 0),
  cluster_id    INTEGER REFERENCES clusters(id) ON DELETE RESTRICT,
  rack          TEXT,
  profile_id    INTEGER REFERENCES profiles(id) ON DELETE RESTRICT,
  extra_args    TEXT NOT NULL DEFAULT '',
  domain        TEXT,
  root_path     TEXT,
  dhcp_options  TEXT NOT NULL DEFAULT '{}', -- JSON object: option code -> value
  last_stage    TEXT,
  last_stage_at TEXT,
  created_at    TEXT NOT NULL
);
-- node_id is unique within a cluster; nodes outside any cluster share one namespace.
CREATE UNIQUE INDEX nodes_cluster_node_id ON nodes (ifnull(cluster_id, 0), node_id) WHERE node_id IS NOT NULL;
CREATE INDEX nodes_rack ON nodes (rack);

CREATE TABLE boot_events (
  id      INTEGER PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE, -- nodes.id, not the Kerrighed node_id
  stage   TEXT NOT NULL,
  at      TEXT NOT NULL,
  detail  TEXT
);
CREATE INDEX boot_events_node ON boot_events (node_id, id);

-- PXE clients seen by DHCP whose MAC is not registered.
CREATE TABLE discovered (
  mac          TEXT PRIMARY KEY,
  arch         INTEGER,
  uuid         TEXT,
  vendor_class TEXT,
  giaddr       TEXT,
  circuit_id   TEXT,
  remote_id    TEXT,
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  seen_count   INTEGER NOT NULL DEFAULT 1
);
