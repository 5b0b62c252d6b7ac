# Console lines, stage reports and the rescue shell. Sourced by /init.

# Every step prints one line starting with "rackboot:" so an admin (and the e2e test) can
# follow the boot on the serial console.
say() { echo "rackboot: $*"; }

# Percent-encode what would end or split a query value (RFC 3986 §3.4); details are short
# words rackboot's /report keeps as text.
rb_urlencode() {
  printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/&/%26/g' -e 's/#/%23/g' \
    -e 's/?/%3F/g' -e 's/+/%2B/g' -e 's/=/%3D/g' -e 's/"/%22/g'
}

# rb_report STAGE DETAIL: best effort, bounded: a dead server costs a few seconds, never
# the boot. Not `wget -T`: Debian bookworm's busybox 1.35 wget segfaults on it, so `timeout`.
# Its variables are rb_r*: sh has no locals, and its callers' rb_url etc. must survive it.
rb_report() {
  [ -n "$RB_REPORT_URL" ] || return 0
  case "$RB_REPORT_URL" in *\?*) rb_rsep='&' ;; *) rb_rsep='?' ;; esac
  rb_rurl="$RB_REPORT_URL${rb_rsep}stage=$(rb_urlencode "$1")&detail=$(rb_urlencode "$2")"
  timeout 5 wget -q -O /dev/null "$rb_rurl" 2>/dev/null || say "report stage=$1 not delivered (best effort, going on)"
}

# rb_rescue REASON: never returns. The node stays in the initramfs with a shell on the
# console; nothing has been switched to, so a bad image is never booted.
rb_rescue() {
  say "stopped: $1"
  say "rescue shell on the console; the root was NOT switched. Fix the cause, then reboot -f"
  while :; do
    # cttyhack gives the shell the real console (ttyS0 …) as its controlling tty: job control, ^C.
    setsid cttyhack sh
    say "rescue shell exited; starting another (reboot -f to retry the boot)"
    sleep 1
  done
}

# rb_shell REASON: an interactive stop (rackboot.shell=1) that goes on when the shell exits.
rb_shell() {
  say "shell: $1; exit the shell to go on"
  setsid cttyhack sh
  say "shell exited, going on"
}
