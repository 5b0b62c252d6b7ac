# Mounting the verified image as the new root and switching to it. Needs log.sh.

# rb_mount_root overlay|ram: /newroot from /run/rackboot/root.img (a squashfs).
#   overlay: the squashfs read-only at /run/rackboot/lower under a tmpfs upper layer;
#   ram:     a tmpfs holding a copy of the image (the old /dev/ram way); the file goes.
rb_mount_root() {
  mkdir -p "$RB_DIR/lower" /newroot
  mount -t squashfs -o ro,loop "$RB_IMG" "$RB_DIR/lower" || { RB_BAD="the image is not a mountable squashfs"; return 1; }
  if [ "$1" = ram ]; then
    mount -t tmpfs -o mode=0755 tmpfs /newroot || return 1
    cp -a "$RB_DIR/lower/." /newroot/ || { RB_BAD="copying the image into RAM failed (memory?)"; return 1; }
    umount -d "$RB_DIR/lower"
    rm -f "$RB_IMG"
  else
    mkdir -p "$RB_DIR/rw"
    mount -t tmpfs -o mode=0755 tmpfs "$RB_DIR/rw" || return 1
    mkdir -p "$RB_DIR/rw/upper" "$RB_DIR/rw/work"
    mount -t overlay overlay -o "lowerdir=$RB_DIR/lower,upperdir=$RB_DIR/rw/upper,workdir=$RB_DIR/rw/work" /newroot ||
      { RB_BAD="mounting the overlayfs failed"; return 1; }
  fi
  say "root mounted: $1 (image $RB_IMAGE)"
}

# rb_apply_overlay: the node's files over the image (newer wins: -u).
rb_apply_overlay() {
  [ -s "$RB_DIR/overlay.cpio" ] || { rb_report overlay none; return 0; }
  if (cd /newroot && cpio -i -d -m -u < "$RB_DIR/overlay.cpio") 2>/tmp/cpio.err; then
    say "overlay applied ($(grep -c . /tmp/cpio.err) lines from cpio)"
    rb_report overlay ok
  else
    say "overlay not applied: $(head -c 120 /tmp/cpio.err | tr '\n' ' ')"
    rb_report overlay failed
  fi
}

# rb_switch_root: never returns. /run moves along (systemd keeps it, and the booted OS
# finds /run/rackboot: the lease, the plan, the overlay); busybox switch_root leaves the
# other API filesystems to us, so /dev /proc /sys move too before it empties the initramfs.
rb_switch_root() {
  if [ ! -x "/newroot$RB_INIT" ] && [ ! -L "/newroot$RB_INIT" ]; then
    rb_report image-bad "no $RB_INIT in the image"
    say "image-bad: the image has no executable $RB_INIT (rackboot.init)"
    rb_rescue "image-bad"
  fi
  rb_report switch-root "$RB_ROOT"
  for rb_m in run dev proc sys; do mkdir -p "/newroot/$rb_m"; done
  say "switch-root to /newroot (rackboot.root=$RB_ROOT), running $RB_INIT"
  mount --move /run /newroot/run
  mount --move /dev /newroot/dev
  mount --move /sys /newroot/sys
  mount --move /proc /newroot/proc
  exec switch_root /newroot "$RB_INIT"
}
