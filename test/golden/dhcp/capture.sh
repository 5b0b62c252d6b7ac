#!/bin/bash
# Recapture the golden DHCP requests from real clients, in throwaway namespaces rbtd-cap*.
set -eu
cd "$(dirname "$0")"
cleanup() { ip netns del rbtd-cap 2>/dev/null || true; ip netns del rbtd-capc 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add rbtd-cap; ip netns add rbtd-capc
ip link add rbtd-cap0 type veth peer name rbtd-cap1
ip link set rbtd-cap0 netns rbtd-cap; ip link set rbtd-cap1 netns rbtd-capc
ip -n rbtd-cap link set lo up; ip -n rbtd-capc link set lo up
ip -n rbtd-cap link set rbtd-cap0 address 02:00:00:00:00:01 up
ip -n rbtd-capc link set rbtd-cap1 address 52:54:00:12:34:56 up
ip -n rbtd-cap addr add 10.99.0.1/24 dev rbtd-cap0
T=$(mktemp -d)

ip netns exec rbtd-cap node capture.mjs "$T" dhclient 1 & P=$!; sleep 0.5
timeout 5 ip netns exec rbtd-capc dhclient -1 -d -sf /bin/true -lf "$T/l" -pf "$T/p" rbtd-cap1 || true; wait $P
ip netns exec rbtd-cap node capture.mjs "$T" udhcpc 1 & P=$!; sleep 0.5
timeout 5 ip netns exec rbtd-capc udhcpc -f -q -n -t 1 -i rbtd-cap1 -s /bin/true -x hostname:node07 || true; wait $P
ip netns exec rbtd-cap node capture.mjs "$T" ipxe 1 & P=$!; sleep 0.5
ip netns exec rbtd-cap timeout 40 qemu-system-x86_64 -nographic -nodefaults -serial none -monitor none -display none -m 128 \
  -netdev tap,id=n0,ifname=rbtdtap0,script=no,downscript=no -device e1000,netdev=n0,mac=52:54:00:aa:bb:cc -boot n & Q=$!
sleep 1; ip -n rbtd-cap link set rbtdtap0 up
wait $P; kill $Q 2>/dev/null || true

cp "$T/dhclient-1.bin" dhclient-discover.bin
cp "$T/udhcpc-1.bin" udhcpc-discover.bin
cp "$T/ipxe-1.bin" ipxe-rom-discover.bin
echo "captured; now regenerate the .txt renderings and review the diff"
