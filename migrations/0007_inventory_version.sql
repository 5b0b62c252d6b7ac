-- A counter that moves on every change to what the boot path reads about nodes (not their
-- last stage), clusters and profiles, whichever process makes it (CLI, API, daemon). The
-- daemon keeps the nodes in memory and reloads them when this counter has moved, so a DHCP
-- packet costs no inventory query while a CLI edit still applies to the next packet.
CREATE TABLE inventory_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  v  INTEGER NOT NULL
);
INSERT INTO inventory_version (id, v) VALUES (1, 0);

CREATE TRIGGER nodes_insert_version AFTER INSERT ON nodes
BEGIN UPDATE inventory_version SET v = v + 1; END;
CREATE TRIGGER nodes_delete_version AFTER DELETE ON nodes
BEGIN UPDATE inventory_version SET v = v + 1; END;
CREATE TRIGGER nodes_update_version
AFTER UPDATE OF mac, hostname, ip, node_id, cluster_id, rack, profile_id, extra_args, domain, root_path, dhcp_options ON nodes
BEGIN UPDATE inventory_version SET v = v + 1; END;
CREATE TRIGGER clusters_rename_version AFTER UPDATE OF name ON clusters
BEGIN UPDATE inventory_version SET v = v + 1; END;
CREATE TRIGGER profiles_rename_version AFTER UPDATE OF name ON profiles
BEGIN UPDATE inventory_version SET v = v + 1; END;
