import { describe, expect, it } from 'vitest';
import { assignNodeId, lowestFree, nodeIdFromIp } from '../../../src/inventory/node-id.js';
import { ConflictError, ValidationError } from '../../../src/errors.js';

const base = { explicit: null, ip: null, policy: 'lowest-free' as const, used: new Set<number>(), where: 'cluster krg', usedBy: () => 'node7' };

describe('node_id policies', () => {
  it('lowest free counts from 1 and fills holes', () => {
    expect(lowestFree(new Set())).toBe(1);
    expect(lowestFree(new Set([1, 2, 4]))).toBe(3);
    expect(assignNodeId({ ...base, used: new Set([1, 2]) })).toBe(3);
  });
  it('takes an explicit id when free, and refuses a duplicate instead of renumbering', () => {
    expect(assignNodeId({ ...base, explicit: 0 })).toBe(0);
    expect(() => assignNodeId({ ...base, explicit: 7, used: new Set([7]) })).toThrow(ConflictError);
    expect(() => assignNodeId({ ...base, explicit: 7, used: new Set([7]) })).toThrow('already used by node7 in cluster krg');
  });
  it('refuses out-of-range explicit ids', () => {
    expect(() => assignNodeId({ ...base, explicit: -1 })).toThrow(ValidationError);
    expect(() => assignNodeId({ ...base, explicit: 70000 })).toThrow(ValidationError);
  });
  it('derives the id from the last octet of the fixed address under from-ip', () => {
    expect(nodeIdFromIp('10.0.1.31')).toBe(31);
    expect(assignNodeId({ ...base, policy: 'from-ip', ip: '192.168.0.102' })).toBe(102);
    expect(() => assignNodeId({ ...base, policy: 'from-ip', ip: '10.0.2.31', used: new Set([31]) })).toThrow('from address 10.0.2.31');
    expect(() => assignNodeId({ ...base, policy: 'from-ip' })).toThrow('give the node a fixed --ip');
  });
  it('an explicit id beats the from-ip policy', () => {
    expect(assignNodeId({ ...base, policy: 'from-ip', ip: '10.0.1.31', explicit: 5 })).toBe(5);
  });
});
