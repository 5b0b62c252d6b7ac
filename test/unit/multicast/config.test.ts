import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { parseBitrate } from '../../../src/multicast/config.js';
import { defaultGroup } from '../../../src/multicast/net.js';
import { ConfigError } from '../../../src/errors.js';

describe('multicast config section', () => {
  it("defaults to udp-sender's: port base 9000, derived group, TTL 1, block size 1456", () => {
    const m = parseConfig({}, '/tmp').multicast;
    expect(m).toMatchObject({ portBase: 9000, group: null, ttl: 1, blockSize: 1456, duplex: 'full', maxBitrate: null, autoRate: false, pointToPoint: true, settle: 1 });
    expect(m.sliceBlocks).toEqual({ start: 130, min: 32, max: 1024 });
    expect(m.start).toEqual({ minReceivers: null, maxWait: 60, timeout: 600 });
  });

  it('reads bitrates as udp-sender does, and refuses bad values naming the key', () => {
    expect(parseConfig({ multicast: { maxBitrate: '900m' } }, '/tmp').multicast.maxBitrate).toBe(900_000_000);
    expect(parseConfig({ multicast: { maxBitrate: 5e8 } }, '/tmp').multicast.maxBitrate).toBe(500_000_000);
    expect(() => parseConfig({ multicast: { maxBitrate: 'fast' } }, '/tmp')).toThrow(/multicast\.maxBitrate: "fast" is not a bitrate/);
    expect(() => parseConfig({ multicast: { portBase: 9001 } }, '/tmp')).toThrow(ConfigError);
    expect(() => parseConfig({ multicast: { blockSize: 1458 } }, '/tmp')).toThrow(/blockSize/);
    expect(() => parseConfig({ multicast: { bogus: 1 } }, '/tmp')).toThrow(ConfigError);
  });

  it.each([
    ['1g', 1e9],
    ['950M', 950e6],
    ['1.5g', 1.5e9],
    ['500k', 500e3],
    ['12000000', 12e6],
    ['100mbps', 100e6],
    ['', null],
    ['x1m', null],
  ])('parseBitrate(%j) = %j', (text, bits) => expect(parseBitrate(text)).toBe(bits));
});

describe('defaultGroup (udpcast: the sender address with its top 5 bits set to 232)', () => {
  it.each([
    ['192.168.1.5', '232.168.1.5'],
    ['10.0.0.5', '234.0.0.5'],
    ['127.0.0.1', '239.0.0.1'],
    ['10.77.0.1', '234.77.0.1'], // as the stock udp-sender announced in the golden capture
  ])('%s → %s', (ip, group) => expect(defaultGroup(ip)).toBe(group));
});
