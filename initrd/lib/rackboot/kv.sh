# Safe key=value files: the plan from rackboot and the DHCP lease. Read line by line and
# assigned only after a per-key check; never sourced or eval'd, since a server (or a DHCP
# reply) could otherwise run commands in the initramfs.

# rb_kv FILE KEY: print KEY's value (the first line KEY=...), \r stripped; status 1 if absent.
rb_kv() {
  [ -r "$1" ] || return 1
  while IFS= read -r rb_line || [ -n "$rb_line" ]; do
    rb_line=${rb_line%"$(printf '\r')"}
    case "$rb_line" in
      "$2="*) printf '%s\n' "${rb_line#*=}"; return 0 ;;
    esac
  done < "$1"
  return 1
}

# The first word of a value: what a well-formed value is; a trailing "# comment" falls off.
rb_word() { set -f; set -- $1; set +f; printf '%s' "$1"; }

rb_is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) [ "${#1}" -le 9 ] ;; esac; }
rb_is_sha256() { case "$1" in *[!0-9a-f]*) return 1 ;; *) [ "${#1}" -eq 64 ] ;; esac; }
# http(s) URLs without characters a shell, wget's argv or a query would trip on.
rb_is_url() {
  case "$1" in
    http://?* | https://?*) case "$1" in *[!A-Za-z0-9:/?\&=%._~+@,\;-]*) return 1 ;; esac ;;
    *) return 1 ;;
  esac
}

# rb_parse_plan FILE: set PLAN_METHOD PLAN_PORTBASE PLAN_URL PLAN_SHA256 PLAN_SIZE
# (docs/diskless.md, GET /node/image). A value that fails its check is left empty.
rb_parse_plan() {
  PLAN_METHOD= PLAN_PORTBASE= PLAN_URL= PLAN_SHA256= PLAN_SIZE= PLAN_REASON=
  rb_v=$(rb_word "$(rb_kv "$1" method)")
  case "$rb_v" in http | multicast) PLAN_METHOD=$rb_v ;; esac
  rb_v=$(rb_word "$(rb_kv "$1" portbase)")
  if rb_is_uint "$rb_v" && [ "$rb_v" -gt 0 ] && [ "$rb_v" -lt 65535 ]; then PLAN_PORTBASE=$rb_v; fi
  rb_v=$(rb_word "$(rb_kv "$1" url)")
  if rb_is_url "$rb_v"; then PLAN_URL=$rb_v; fi
  rb_v=$(rb_word "$(rb_kv "$1" sha256)" | tr 'A-F' 'a-f')
  if rb_is_sha256 "$rb_v"; then PLAN_SHA256=$rb_v; fi
  rb_v=$(rb_word "$(rb_kv "$1" size)")
  if rb_is_uint "$rb_v"; then PLAN_SIZE=$rb_v; fi
  # Free text for the console only, control characters dropped.
  PLAN_REASON=$(rb_kv "$1" reason | tr -d '\000-\037\177' | cut -c1-120)
  # A multicast plan without a port base cannot be joined: fetch over HTTP instead.
  if [ "$PLAN_METHOD" = multicast ] && [ -z "$PLAN_PORTBASE" ]; then PLAN_METHOD=http; fi
  [ -n "$PLAN_METHOD" ]
}
