#!/bin/sh
# Builds the optional native helpers (see docs/multicast.md):
#   native/udp_gso.node      UDP segmentation offload and direct sendto for the senders
#   native/sched_slice.node  the EEVDF time-slice request of the push sender
# Without a C compiler or Node's headers everything still works (one system call per
# datagram; the kernel's default time slice); this script then warns and succeeds.
set -u
cd "$(dirname "$0")"
prefix=$(dirname "$(dirname "$(node -p 'require("fs").realpathSync(process.execPath)')")")
inc="$prefix/include/node"
if [ ! -f "$inc/node_api.h" ]; then
  echo "rackboot: $inc/node_api.h not found (it comes with NodeSource's nodejs package, or Debian's libnode-dev); multicast pushes will not use UDP GSO or a short time slice" >&2
  exit 0
fi
for name in udp_gso sched_slice; do
  out=$name.node
  if ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -fPIC -shared -I"$inc" -o "$out.tmp" "$name.c"; then
    mv "$out.tmp" "$out"
  else
    rm -f "$out.tmp"
    echo "rackboot: could not compile native/$name.c; rackboot works without it (see docs/multicast.md)" >&2
  fi
done
exit 0
