#!/bin/sh
# Builds native/udp_gso.node, the optional UDP segmentation-offload helper of the multicast
# sender (see docs/multicast.md). Without a C compiler or Node's headers the sender still
# works, one system call per datagram; this script then warns and succeeds.
set -u
cd "$(dirname "$0")"
prefix=$(dirname "$(dirname "$(node -p 'require("fs").realpathSync(process.execPath)')")")
inc="$prefix/include/node"
out=udp_gso.node
if [ ! -f "$inc/node_api.h" ]; then
  echo "rackboot: $inc/node_api.h not found (it comes with NodeSource's nodejs package, or Debian's libnode-dev); multicast pushes will not use UDP GSO" >&2
  exit 0
fi
if ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -fPIC -shared -I"$inc" -o "$out.tmp" udp_gso.c; then
  mv "$out.tmp" "$out"
else
  rm -f "$out.tmp"
  echo "rackboot: could not compile native/udp_gso.c; multicast pushes will not use UDP GSO" >&2
fi
exit 0
