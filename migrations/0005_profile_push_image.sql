-- A profile may name the image its nodes receive by multicast after boot (replacing dolly):
-- the rendered kernel command line then carries rackboot.image, rackboot.sha256,
-- rackboot.portbase and rackboot.report for the initrd's udp-receiver.
ALTER TABLE profiles ADD COLUMN push_image TEXT;
