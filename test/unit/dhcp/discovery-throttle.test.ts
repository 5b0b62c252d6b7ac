import { describe, expect, it } from 'vitest';
import { DISCOVERY_CAPACITY, DISCOVERY_INTERVAL_MS, DiscoveryThrottle } from '../../../src/dhcp/discovery-throttle.js';

const mac = (i: number): string => `52:54:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;

describe('DiscoveryThrottle', () => {
  it('defaults: once per 60 s per MAC, 4096 MACs remembered', () => {
    expect(DISCOVERY_INTERVAL_MS).toBe(60_000);
    expect(DISCOVERY_CAPACITY).toBe(4096);
  });

  it('records a MAC once per interval, measured from when it was recorded', () => {
    const clock = { now: 1_000_000 };
    const th = new DiscoveryThrottle({ clock: () => clock.now, intervalMs: 60_000 });
    expect(th.shouldRecord(mac(1))).toBe(true);
    clock.now += 59_999;
    expect(th.shouldRecord(mac(1))).toBe(false); // a hit does not restart the interval
    clock.now += 1;
    expect(th.shouldRecord(mac(1))).toBe(true);
    expect(th.shouldRecord(mac(1))).toBe(false);
    expect(th.shouldRecord(mac(2))).toBe(true);
  });

  it('a flood of random MACs never grows the map beyond its capacity; the least recently seen is forgotten', () => {
    const clock = { now: 0 };
    const th = new DiscoveryThrottle({ clock: () => clock.now, capacity: 3 });
    for (const i of [1, 2, 3]) expect(th.shouldRecord(mac(i))).toBe(true);
    expect(th.shouldRecord(mac(1))).toBe(false); // 1 is now the most recently seen
    expect(th.shouldRecord(mac(4))).toBe(true); // evicts 2
    expect(th.size).toBe(3);
    expect(th.shouldRecord(mac(1))).toBe(false);
    expect(th.shouldRecord(mac(3))).toBe(false);
    expect(th.shouldRecord(mac(2))).toBe(true); // forgotten: recorded again (evicts 4)
    for (let i = 100; i < 10_100; i++) th.shouldRecord(mac(i));
    expect(th.size).toBe(3);
  });

  it('default capacity holds 4096 MACs', () => {
    const th = new DiscoveryThrottle({ clock: () => 0 });
    for (let i = 0; i < 5000; i++) th.shouldRecord(mac(i));
    expect(th.size).toBe(4096);
    expect(th.shouldRecord(mac(4999))).toBe(false);
    expect(th.shouldRecord(mac(0))).toBe(true);
  });
});
