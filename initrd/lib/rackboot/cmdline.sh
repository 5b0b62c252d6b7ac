# The kernel command line contract (docs/diskless.md, "The kernel command line contract").
# Values are only assigned, never evaluated: the command line is data, whoever wrote it.
# Needs say (log.sh) and the checks in kv.sh.

# rb_parse_cmdline "$(cat /proc/cmdline)": set the RB_* variables, defaults included.
# A value that fails its check keeps the default, with a console line saying so.
rb_parse_cmdline() {
  RB_SERVER= RB_SERVER_SET= RB_IMAGE= RB_SHA256= RB_PORTBASE=9000 RB_PORTBASE_SET= RB_REPORT= RB_ROOT=overlay
  RB_OVERLAY= RB_INIT=/sbin/init RB_RETRIES=3 RB_SHELL=0 RB_BOOTIF= RB_NODE_ID=
  set -f # a word such as "*" must not expand to the initramfs' file names
  for rb_w in $1; do
    rb_v=${rb_w#*=}
    case "$rb_w" in
      rackboot.server=*)
        case "$rb_v" in
          *[!A-Za-z0-9.:-]* | '' | :*) rb_bad "$rb_w" ;;
          *:*) RB_SERVER=$rb_v RB_SERVER_SET=1 ;;
          *) RB_SERVER=$rb_v:8080 RB_SERVER_SET=1 ;;
        esac ;;
      rackboot.image=*)
        case "$rb_v" in
          [A-Za-z0-9]*) case "$rb_v" in *[!A-Za-z0-9._-]*) rb_bad "$rb_w" ;; *) RB_IMAGE=$rb_v ;; esac ;;
          *) rb_bad "$rb_w" ;;
        esac ;;
      rackboot.sha256=*)
        rb_v=$(printf '%s' "$rb_v" | tr 'A-F' 'a-f')
        if rb_is_sha256 "$rb_v"; then RB_SHA256=$rb_v; else rb_bad "$rb_w"; fi ;;
      rackboot.portbase=*)
        if rb_is_uint "$rb_v" && [ "$rb_v" -gt 0 ] && [ "$rb_v" -lt 65535 ]; then
          RB_PORTBASE=$rb_v RB_PORTBASE_SET=1
        else rb_bad "$rb_w"; fi ;;
      rackboot.report=*) if rb_is_url "$rb_v"; then RB_REPORT=$rb_v; else rb_bad "$rb_w"; fi ;;
      rackboot.overlay=*) if rb_is_url "$rb_v"; then RB_OVERLAY=$rb_v; else rb_bad "$rb_w"; fi ;;
      rackboot.root=*) case "$rb_v" in overlay | ram) RB_ROOT=$rb_v ;; *) rb_bad "$rb_w" ;; esac ;;
      rackboot.init=*) case "$rb_v" in /*[!A-Za-z0-9/._+-]* | /*/ | /) rb_bad "$rb_w" ;; /*) RB_INIT=$rb_v ;; *) rb_bad "$rb_w" ;; esac ;;
      rackboot.retries=*) if rb_is_uint "$rb_v" && [ "$rb_v" -ge 1 ]; then RB_RETRIES=$rb_v; else rb_bad "$rb_w"; fi ;;
      rackboot.shell=*) case "$rb_v" in 1 | yes | true) RB_SHELL=1 ;; *) RB_SHELL=0 ;; esac ;;
      BOOTIF=*) RB_BOOTIF=$(rb_bootif_mac "$rb_v") || { RB_BOOTIF=; rb_bad "$rb_w"; } ;;
      node_id=*) if rb_is_uint "$rb_v"; then RB_NODE_ID=$rb_v; else rb_bad "$rb_w"; fi ;;
    esac
  done
  set +f
}

rb_bad() { say "ignoring $(printf '%s' "$1" | tr -c 'A-Za-z0-9._:/=-' '?' | cut -c1-80): not a valid value (default kept)"; }

# pxelinux's IPAPPEND 2 form, 01-aa-bb-cc-dd-ee-ff (01 = Ethernet), to aa:bb:cc:dd:ee:ff.
rb_bootif_mac() {
  case "$1" in
    01-??-??-??-??-??-??) rb_m=$(printf '%s' "${1#01-}" | tr 'A-F-' 'a-f:') ;;
    *) return 1 ;;
  esac
  case "$rb_m" in *[!0-9a-f:]*) return 1 ;; esac
  printf '%s\n' "$rb_m"
}

# rb_apply_defaults SERVER_ID MAC: what depends on the lease: the server (the DHCP server
# identifier, port 8080, when rackboot.server is absent), the report and overlay URLs.
rb_apply_defaults() {
  if [ -z "$RB_SERVER" ] && [ -n "$1" ]; then RB_SERVER=$1:8080; fi
  RB_REPORT_URL=$RB_REPORT RB_OVERLAY_URL=$RB_OVERLAY
  if [ -n "$RB_SERVER" ]; then
    RB_REPORT_URL=${RB_REPORT:-http://$RB_SERVER/report}
    RB_OVERLAY_URL=${RB_OVERLAY:-http://$RB_SERVER/boot/files/overlay/$2.cpio}
  fi
}
