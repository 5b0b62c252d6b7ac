import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics.js';

const value = async (m: Metrics, type: string, outcome: string): Promise<number | undefined> => {
  const json = await m.registry.getMetricsAsJSON();
  const values = json.find((x) => x.name === 'rackboot_dhcp_packets_total')?.values as Array<{ value: number; labels: Record<string, string> }>;
  return values.find((v) => v.labels.type === type && v.labels.outcome === outcome)?.value;
};

describe('Metrics.countDhcp', () => {
  it('shows packets counted on the packet path whenever the counter is read, each once', async () => {
    const m = new Metrics();
    m.countDhcp('discover', 'offer');
    m.countDhcp('discover', 'offer');
    m.countDhcp('request', 'lease_write_failed', 5);
    expect(await value(m, 'discover', 'offer')).toBe(2);
    expect(await value(m, 'request', 'lease_write_failed')).toBe(5);
    // A second read adds nothing; a later count adds to the total.
    expect(await value(m, 'discover', 'offer')).toBe(2);
    m.countDhcp('discover', 'offer');
    m.dhcpPackets.inc({ type: 'discover', outcome: 'offer' });
    expect(await value(m, 'discover', 'offer')).toBe(4);
    expect(await m.registry.metrics()).toMatch(/^rackboot_dhcp_packets_total\{type="request",outcome="lease_write_failed"\} 5$/m);
  });
});
