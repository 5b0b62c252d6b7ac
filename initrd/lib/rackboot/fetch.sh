# Fetching the node's overlay, the plan and the image. Needs log.sh, kv.sh.

RB_DIR=/run/rackboot
RB_IMG=$RB_DIR/root.img

# rb_fetch_overlay: the node's overlay cpio to /run/rackboot/overlay.cpio (3 tries). A node
# without its overlay still boots the image (the overlay is only its own files), so a
# failure is printed and reported, not fatal.
rb_fetch_overlay() {
  [ -n "$RB_OVERLAY_URL" ] || { say "overlay: no URL (no server known)"; return 1; }
  for rb_try in 1 2 3; do
    if timeout 30 wget -q -O "$RB_DIR/overlay.cpio" "$RB_OVERLAY_URL" 2>/tmp/wget.err; then
      say "overlay fetched $RB_OVERLAY_URL ($(wc -c < "$RB_DIR/overlay.cpio") bytes)"
      return 0
    fi
    rm -f "$RB_DIR/overlay.cpio"
    say "overlay fetch try $rb_try of 3 failed: $(head -c 120 /tmp/wget.err | tr '\n' ' ')"
    sleep 1
  done
  return 1
}

# rb_fetch_plan: GET /node/image?name=NAME into /run/rackboot/plan and parse it. rackboot
# may hold the request while it gathers the nodes booting this image (autoPush.maxWait),
# so the bound is generous.
rb_fetch_plan() {
  PLAN_METHOD=
  [ -n "$RB_SERVER" ] || { say "no plan: no server known"; return 1; }
  rb_u="http://$RB_SERVER/node/image?name=$RB_IMAGE"
  say "asking the plan: $rb_u (rackboot may hold it while it gathers nodes)"
  if ! timeout 90 wget -q -O "$RB_DIR/plan" "$rb_u" 2>/tmp/wget.err; then
    rm -f "$RB_DIR/plan"
    say "no plan: $(head -c 120 /tmp/wget.err | tr '\n' ' ')"
    return 1
  fi
  if ! rb_parse_plan "$RB_DIR/plan"; then say "no plan: the answer has no valid method= line"; return 1; fi
  say "plan method=$PLAN_METHOD portbase=${PLAN_PORTBASE:--} url=${PLAN_URL:--} sha256=${PLAN_SHA256:--} size=${PLAN_SIZE:--}${PLAN_REASON:+ ($PLAN_REASON)}"
}

rb_sha256() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# Seconds since boot, and the seconds between two such readings: image-ok's detail carries
# how long the transfer and the checksum took (the benchmark's transfer leg).
rb_now() { cut -d' ' -f1 /proc/uptime; }
rb_took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# rb_fetch_image METHOD PORTBASE URL WANT: the image to /run/rackboot/root.img, verified.
# A multicast that fails falls back to HTTP; HTTP is tried RB_RETRIES times. A file whose
# sha256 is not WANT is deleted. Returns 1 with RB_BAD set when no good copy came.
rb_fetch_image() {
  rb_method=$1 rb_port=$2 rb_url=$3 rb_want=$4 RB_BAD=
  if [ "$rb_method" = multicast ]; then
    rm -f "$RB_IMG"
    rb_report image multicast
    say "image fetch: multicast portbase=$rb_port on $RB_IF"
    rb_t0=$(rb_now)
    udp-receiver --nokbd --no-progress --portbase "$rb_port" --interface "$RB_IF" --file "$RB_IMG" \
      --start-timeout 60 --receive-timeout 30 >/tmp/udp-receiver.log 2>&1
    rb_rc=$?
    rb_t1=$(rb_now)
    rb_got=$(rb_sha256 "$RB_IMG")
    rb_t2=$(rb_now)
    if [ "$rb_rc" = 0 ] && [ "$rb_got" = "$rb_want" ]; then
      say "image-ok sha256=$rb_got (multicast) fetch=$(rb_took "$rb_t0" "$rb_t1")s verify=$(rb_took "$rb_t1" "$rb_t2")s"
      rb_report image-ok "multicast fetch=$(rb_took "$rb_t0" "$rb_t1")s verify=$(rb_took "$rb_t1" "$rb_t2")s"
      return 0
    fi
    rm -f "$RB_IMG"
    RB_BAD="multicast exit=$rb_rc sha256=${rb_got:-none}"
    say "image multicast failed (udp-receiver exit $rb_rc, sha256 ${rb_got:-none}): $(tail -c 160 /tmp/udp-receiver.log | tr '\n' ' ')"
  fi
  [ -n "$rb_url" ] || { RB_BAD="${RB_BAD:+$RB_BAD; }no HTTP url to fall back to"; return 1; }
  rb_n=1
  while [ "$rb_n" -le "$RB_RETRIES" ]; do
    rm -f "$RB_IMG"
    rb_report image http
    say "image fetch: http $rb_url (attempt $rb_n of $RB_RETRIES)"
    # Bounded so a server that stops answering mid-transfer cannot hang the node forever.
    rb_t0=$(rb_now)
    if timeout 3600 wget -q -O "$RB_IMG" "$rb_url" 2>/tmp/wget.err; then
      rb_t1=$(rb_now)
      rb_got=$(rb_sha256 "$RB_IMG")
      rb_t2=$(rb_now)
      if [ "$rb_got" = "$rb_want" ]; then
        say "image-ok sha256=$rb_got (http) fetch=$(rb_took "$rb_t0" "$rb_t1")s verify=$(rb_took "$rb_t1" "$rb_t2")s"
        rb_report image-ok "http fetch=$(rb_took "$rb_t0" "$rb_t1")s verify=$(rb_took "$rb_t1" "$rb_t2")s"
        return 0
      fi
      RB_BAD="sha256 mismatch: got $rb_got want $rb_want"
    else
      RB_BAD="http fetch failed: $(head -c 100 /tmp/wget.err | tr '\n' ' ')"
    fi
    rm -f "$RB_IMG"
    say "image attempt $rb_n of $RB_RETRIES bad: $RB_BAD"
    rb_n=$((rb_n + 1))
    [ "$rb_n" -le "$RB_RETRIES" ] && sleep 2
  done
  return 1
}
