import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric rackboot exposes, on one registry that subsystems receive.
 * Served at /metrics by the HTTP server. Tests create their own instance.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly dhcpPackets = new Counter({
    name: 'rackboot_dhcp_packets_total',
    help: 'DHCP packets by message type and outcome (offer, ack, nak, ignored, malformed, pool_exhausted, ...)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
    collect: () => this.flushDhcpCounts(),
  });
  /** Counts not yet handed to `dhcpPackets`: type → outcome → packets. */
  private readonly dhcpCounts = new Map<string, Map<string, number>>();
  readonly dhcpLeases = new Gauge({
    name: 'rackboot_dhcp_leases',
    help: 'Pool addresses by subnet and state (in_use, free)',
    labelNames: ['subnet', 'state'] as const,
    registers: [this.registry],
  });
  readonly tftpTransfers = new Counter({
    name: 'rackboot_tftp_transfers_total',
    help: 'TFTP transfers by outcome (ok, error, timeout, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly tftpBytes = new Counter({
    name: 'rackboot_tftp_bytes_total',
    help: 'File bytes sent over TFTP (acknowledged data)',
    registers: [this.registry],
  });
  readonly tftpErrors = new Counter({
    name: 'rackboot_tftp_errors_total',
    help: 'TFTP errors by kind (malformed, not_found, access, unknown_tid, ...)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly tftpDuration = new Histogram({
    name: 'rackboot_tftp_transfer_seconds',
    help: 'Duration of completed TFTP transfers',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly pushBytes = new Counter({
    name: 'rackboot_push_bytes_total',
    help: 'Image bytes sent by multicast pushes (including retransmissions)',
    registers: [this.registry],
  });
  readonly pushReceivers = new Gauge({
    name: 'rackboot_push_receivers',
    help: 'Receivers of running pushes by state (joined, done, dropped)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly pushStoreErrors = new Counter({
    name: 'rackboot_push_store_errors_total',
    help: 'Multicast push bookkeeping writes to SQLite that failed, by operation (the push goes on)',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });
  readonly nodesByStage = new Gauge({
    name: 'rackboot_nodes_by_stage',
    help: 'Registered nodes by last boot stage reached',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly malformed = new Counter({
    name: 'rackboot_malformed_packets_total',
    help: 'Packets dropped because they could not be decoded, by protocol',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
  });

  /**
   * Count DHCP packets on the packet path. prom-client hashes the label object on every
   * inc() (about 1 % of the DHCP server's time under load), so this adds to a plain number
   * and the counter takes the sums whenever it is read (/metrics, getMetricsAsJSON).
   */
  countDhcp(type: string, outcome: string, n = 1): void {
    let byOutcome = this.dhcpCounts.get(type);
    if (!byOutcome) this.dhcpCounts.set(type, (byOutcome = new Map()));
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + n);
  }

  private flushDhcpCounts(): void {
    for (const [type, byOutcome] of this.dhcpCounts) {
      for (const [outcome, n] of byOutcome) if (n > 0) this.dhcpPackets.inc({ type, outcome }, n);
      byOutcome.clear();
    }
  }
}
