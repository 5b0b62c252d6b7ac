import { describe, expect, it } from 'vitest';
import { describeChange } from '../../../src/api/audit-log.js';
import { csrfFor, isMutation, parseCookies } from '../../../src/api/auth.js';
import { parse, nodeCreate } from '../../../src/api/body.js';

describe('auth and audit helpers', () => {
  it('parses Cookie headers, ignoring badly escaped cookies of other apps', () => {
    expect(parseCookies('a=1; rackboot_token=rbt_x%2By; b')).toEqual(new Map([['a', '1'], ['rackboot_token', 'rbt_x+y']]));
    expect(parseCookies('x=%E0%A4%A; y=2')).toEqual(new Map([['y', '2']]));
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('derives a different CSRF value per token, not the token itself', () => {
    expect(csrfFor('rbt_a')).toMatch(/^[0-9a-f]{64}$/);
    expect(csrfFor('rbt_a')).not.toBe(csrfFor('rbt_b'));
    expect(csrfFor('rbt_a')).not.toContain('rbt_a');
  });

  it('treats everything but GET, HEAD and OPTIONS as a mutation', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].map(isMutation)).toEqual([false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isMutation)).toEqual([true, true, true, true]);
  });

  it('describes a change without secrets, and cuts long bodies', () => {
    expect(describeChange({ hostname: 'n1', _csrf: 'x', token: 'rbt_secret' })).toBe('{"hostname":"n1"}');
    expect(describeChange({})).toBe('');
    expect(describeChange(undefined)).toBe('');
    const long = describeChange({ text: 'x'.repeat(10_000) });
    expect(long).toMatch(/… \(10011 chars\)$/);
    expect(long.length).toBeLessThan(4100);
  });

  it('names the field in body validation errors', () => {
    expect(() => parse(nodeCreate, { mac: 'aa', hostname: 7 })).toThrow('hostname: must be a string');
    expect(() => parse(nodeCreate, { mac: 'aa', hostname: 'n', colour: 1 })).toThrow('unknown field colour');
    expect(() => parse(nodeCreate, { mac: 'aa', hostname: 'n', nodeId: -1 })).toThrow(/^nodeId: /);
    expect(parse(nodeCreate, { mac: 'aa', hostname: 'n' })).toEqual({ mac: 'aa', hostname: 'n' });
  });
});
