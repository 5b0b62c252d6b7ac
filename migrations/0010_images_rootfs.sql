-- Images built by `rackboot image build` are root filesystems (squashfs) that may carry their
-- own kernel. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter), keeping every row and its id. Nothing
-- references images(id): profiles and pushes name images by name.
CREATE TABLE images_v10 (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  path           TEXT NOT NULL,
  size           INTEGER NOT NULL,
  sha256         TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('kernel', 'initrd', 'disk', 'rootfs')),
  added_at       TEXT NOT NULL,
  kernel_version TEXT,  -- rootfs only: the image's own kernel (/lib/modules/<version>)
  kernel_path    TEXT,  -- rootfs only: that kernel's copy, absolute or relative to the images folder
  CHECK (kind = 'rootfs' OR (kernel_version IS NULL AND kernel_path IS NULL)),
  CHECK ((kernel_version IS NULL) = (kernel_path IS NULL))
);
INSERT INTO images_v10 (id, name, path, size, sha256, kind, added_at)
  SELECT id, name, path, size, sha256, kind, added_at FROM images;
DROP TABLE images;
ALTER TABLE images_v10 RENAME TO images;
