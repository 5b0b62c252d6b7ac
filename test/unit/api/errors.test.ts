import { describe, expect, it } from 'vitest';
import { describeError, STATUS_BY_CODE } from '../../../src/api/errors.js';
import { AuthError, ConfigError, ConflictError, DecodeError, NotFoundError, ValidationError } from '../../../src/errors.js';

describe('api error table', () => {
  it.each([
    [new ValidationError('must be 1-64', 'hostname'), 422, 'validation', 'hostname: must be 1-64'],
    [new NotFoundError('no node n1'), 404, 'not_found', 'no node n1'],
    [new ConflictError('mac taken'), 409, 'conflict', 'mac taken'],
    [new AuthError('unauthorized', 'missing'), 401, 'unauthorized', 'missing'],
    [new AuthError('forbidden', 'read-only'), 403, 'forbidden', 'read-only'],
    [new DecodeError('bad'), 400, 'decode', 'bad'],
    [new ConfigError('bad', 'http.port'), 400, 'config', 'config http.port: bad'],
  ])('%s → %i', (err, status, code, message) => {
    expect(describeError(err)).toEqual({ status, body: { error: { code, message } } });
  });

  it('hides the message of unknown errors behind a 500', () => {
    expect(describeError(new Error('secret detail'))).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error; see the rackboot log' } } });
  });

  it('maps body-parser failures: bad JSON 400, too large 413', () => {
    expect(describeError(Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed' })).status).toBe(400);
    expect(describeError(Object.assign(new Error('too big'), { type: 'entity.too.large', limit: 10 })).body.error.message).toMatch(/limit of 10 bytes/);
  });

  it('covers every error code', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(['config', 'conflict', 'decode', 'forbidden', 'io', 'not_found', 'schema', 'unauthorized', 'validation']);
  });
});
