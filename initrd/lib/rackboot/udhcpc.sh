#!/bin/sh
# udhcpc's hook: busybox passes the lease in the environment ($mask is a prefix length).
# The lease is written as key=value lines that /init reads with rb_kv, never sources.
set -f # DHCP-supplied words ($dns, $router) must not glob
case "$1" in
  deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound | renew)
    ip addr flush dev "$interface"
    # With its broadcast address: udp-receiver sends its connect request there (none set = 0.0.0.0).
    ip addr add "$ip/${mask:-24}" broadcast "${broadcast:-+}" dev "$interface"
    if [ -n "$router" ]; then ip route add default via "${router%% *}" dev "$interface"; fi
    : > /etc/resolv.conf
    for ns in $dns; do echo "nameserver $ns" >> /etc/resolv.conf; done
    mkdir -p /run/rackboot
    printf 'ip=%s\nmask=%s\nbroadcast=%s\nrouter=%s\nserverid=%s\nhostname=%s\n' \
      "$ip" "$mask" "$broadcast" "${router%% *}" "$serverid" "$hostname" > /run/rackboot/lease
    ;;
esac
exit 0
