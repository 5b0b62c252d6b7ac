# Modules, the boot NIC and its DHCP lease. Needs say (log.sh) and rb_kv (kv.sh).

# insmod what the builder listed in /etc/rackboot/modules, dependencies first. A NIC driver
# whose hardware is absent fails to bind, not to load; a failure is printed and skipped.
rb_load_modules() {
  rb_want=$(cat /etc/rackboot/kernel 2>/dev/null)
  if [ -n "$rb_want" ] && [ "$rb_want" != "$(uname -r)" ]; then
    say "warning: modules are for kernel $rb_want but this is $(uname -r); insmod will likely fail"
  fi
  rb_ok= rb_failed=
  while IFS= read -r rb_m; do
    [ -n "$rb_m" ] || continue
    if insmod "/lib/modules/$rb_m.ko" 2>/tmp/insmod.err; then rb_ok="$rb_ok $rb_m"
    elif grep -q 'File exists' /tmp/insmod.err; then rb_ok="$rb_ok $rb_m"
    else rb_failed="$rb_failed $rb_m"; say "insmod $rb_m failed: $(head -c 120 /tmp/insmod.err)"; fi
  done < /etc/rackboot/modules
  say "modules loaded:${rb_ok:- none}${rb_failed:+ (failed:$rb_failed)}"
}

# rb_pick_nic: set RB_IF and RB_MAC. With BOOTIF, the interface with that MAC; otherwise
# the first one (not lo) with carrier. Drivers bind and links come up asynchronously, so
# both wait up to ~10 s; with no carrier anywhere, the first interface is tried anyway.
rb_pick_nic() {
  RB_IF= RB_MAC=
  ip link set lo up
  rb_i=0
  while [ "$rb_i" -lt 50 ]; do
    rb_first=
    for rb_d in /sys/class/net/*; do
      rb_n=${rb_d##*/}
      [ "$rb_n" = lo ] && continue
      [ -e "$rb_d/address" ] || continue
      rb_a=$(cat "$rb_d/address")
      if [ -n "$RB_BOOTIF" ]; then
        [ "$rb_a" = "$RB_BOOTIF" ] || continue
        RB_IF=$rb_n RB_MAC=$rb_a; return 0
      fi
      ip link set "$rb_n" up 2>/dev/null
      : "${rb_first:=$rb_n}"
      if [ "$(cat "$rb_d/carrier" 2>/dev/null)" = 1 ]; then RB_IF=$rb_n RB_MAC=$rb_a; return 0; fi
    done
    sleep 0.2
    rb_i=$((rb_i + 1))
  done
  if [ -n "$RB_BOOTIF" ]; then say "no interface has the BOOTIF address $RB_BOOTIF"; return 1; fi
  [ -n "$rb_first" ] || { say "no network interface (no driver for this NIC? add it with rackboot initrd build --modules)"; return 1; }
  say "no interface reports carrier after 10 s; trying $rb_first"
  RB_IF=$rb_first RB_MAC=$(cat "/sys/class/net/$rb_first/address")
}

# rb_dhcp: a lease on RB_IF through /lib/rackboot/udhcpc.sh, which sets the address with
# its broadcast (udp-receiver sends its connect request there) and writes
# /run/rackboot/lease. Sets RB_IP and RB_SERVERID.
rb_dhcp() {
  ip link set "$RB_IF" up
  for rb_try in 1 2 3; do
    if udhcpc -i "$RB_IF" -f -q -n -t 5 -T 2 -s /lib/rackboot/udhcpc.sh >/tmp/udhcpc.log 2>&1; then
      RB_IP=$(rb_kv /run/rackboot/lease ip)
      RB_SERVERID=$(rb_kv /run/rackboot/lease serverid)
      say "lease ip=$RB_IP/$(rb_kv /run/rackboot/lease mask) router=$(rb_kv /run/rackboot/lease router) server=$RB_SERVERID on $RB_IF"
      return 0
    fi
    say "no DHCP lease on $RB_IF (try $rb_try of 3)"
  done
  return 1
}
