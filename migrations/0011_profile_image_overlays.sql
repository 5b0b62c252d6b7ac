-- Profiles that boot an image (docs/diskless.md): the image, whether the label's kernel and
-- initrd are the image's own (images/NAME/vmlinuz, images/NAME/initrd.gz), how the node
-- mounts its root, and the overlays rendered for each node, in order (later ones win).
ALTER TABLE profiles ADD COLUMN overlays TEXT NOT NULL DEFAULT '["base"]' CHECK (json_valid(overlays) AND json_type(overlays) = 'array');
ALTER TABLE profiles ADD COLUMN boot_image TEXT;
ALTER TABLE profiles ADD COLUMN kernel_from_image INTEGER NOT NULL DEFAULT 0 CHECK (kernel_from_image IN (0, 1));
ALTER TABLE profiles ADD COLUMN root_mode TEXT NOT NULL DEFAULT 'overlay' CHECK (root_mode IN ('overlay', 'ram'));

-- The daemon caches each node's rendered overlay under inventory_version (0007). What an
-- overlay reads beyond the node rows must move the version too, or an edit from the CLI
-- (another process) would leave a stale overlay cached: a profile's overlay list and image
-- fields, and the cluster fields /etc/kerrighed_nodes is made of. Only when a value really
-- changes: the repositories write every column, and a rename already moves the version once.
CREATE TRIGGER profiles_overlay_version
AFTER UPDATE OF overlays, boot_image, kernel_from_image, root_mode ON profiles
WHEN OLD.overlays IS NOT NEW.overlays OR OLD.boot_image IS NOT NEW.boot_image
  OR OLD.kernel_from_image IS NOT NEW.kernel_from_image OR OLD.root_mode IS NOT NEW.root_mode
BEGIN UPDATE inventory_version SET v = v + 1; END;
CREATE TRIGGER clusters_overlay_version
AFTER UPDATE OF session_id, nbmin, iface ON clusters
WHEN OLD.session_id IS NOT NEW.session_id OR OLD.nbmin IS NOT NEW.nbmin OR OLD.iface IS NOT NEW.iface
BEGIN UPDATE inventory_version SET v = v + 1; END;
