import { sh, shQuiet } from './lib.js';

/**
 * Two network namespaces joined by a veth pair, with 1 % random loss each way (nftables
 * numgen in each namespace's input hook). Everything is named rbtt-* / rbtt_* and removed by
 * `down()` (deleting a namespace deletes its veth end and nft table).
 */
export const LOSS_NS = { server: 'rbtt-s', client: 'rbtt-c', serverIp: '10.77.0.1', clientIp: '10.77.0.2' } as const;

export function lossNetUp(percent: number): void {
  lossNetDown();
  const { server, client, serverIp, clientIp } = LOSS_NS;
  sh(`ip netns add ${server} && ip netns add ${client}`);
  sh(`ip link add rbtt-s0 type veth peer name rbtt-c0`);
  sh(`ip link set rbtt-s0 netns ${server} && ip link set rbtt-c0 netns ${client}`);
  sh(`ip -n ${server} addr add ${serverIp}/24 dev rbtt-s0 && ip -n ${client} addr add ${clientIp}/24 dev rbtt-c0`);
  sh(`ip -n ${server} link set lo up && ip -n ${server} link set rbtt-s0 up`);
  sh(`ip -n ${client} link set lo up && ip -n ${client} link set rbtt-c0 up`);
  // Input hooks on both sides: a drop in an output hook would fail the sender's sendto (EPERM),
  // which curl and tftp-hpa treat as fatal, instead of losing the packet on the wire.
  const rule = `meta l4proto udp numgen random mod 100 < ${percent} drop`;
  for (const ns of [server, client]) {
    sh(`ip netns exec ${ns} nft -f - <<'EOF'
table inet rbtt_loss {
  chain input { type filter hook input priority 0; policy accept; ${rule}; }
}
EOF`);
  }
}

export function lossNetDown(): void {
  shQuiet(`ip netns del ${LOSS_NS.client}`);
  shQuiet(`ip netns del ${LOSS_NS.server}`);
}
