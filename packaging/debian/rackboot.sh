#!/bin/sh
# /usr/bin/rackboot: Node.js running the packaged program in /usr/lib/rackboot (found next to
# this script, so an extracted package runs in place too). The config is
# /etc/rackboot/rackboot.yaml unless --config FILE or RACKBOOT_CONFIG says otherwise.
here=$(dirname "$(readlink -f "$0")")
: "${RACKBOOT_CONFIG:=/etc/rackboot/rackboot.yaml}"
export RACKBOOT_CONFIG
exec /usr/bin/node "$here/../lib/rackboot/dist/src/main.js" "$@"
