/**
 * Typed, coded errors. The API maps `code` through one table to HTTP statuses;
 * the CLI prints `message` to stderr and exits non-zero.
 */
export type ErrorCode =
  | 'config'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'decode'
  | 'schema'
  | 'unauthorized'
  | 'forbidden'
  | 'io';

export class RackbootError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from an admin: a field, what is wrong, and how to fix it. */
export class ValidationError extends RackbootError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('validation', field ? `${field}: ${message}` : message);
  }
}

export class ConfigError extends RackbootError {
  constructor(message: string, readonly key?: string) {
    super('config', key ? `config ${key}: ${message}` : message);
  }
}

export class NotFoundError extends RackbootError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends RackbootError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** A wire codec could not decode its input. The only error a decoder throws. */
export class DecodeError extends RackbootError {
  constructor(message: string) {
    super('decode', message);
  }
}

/** The database was written by a newer rackboot, or its schema is damaged. */
export class SchemaError extends RackbootError {
  constructor(message: string) {
    super('schema', message);
  }
}

export class AuthError extends RackbootError {
  constructor(code: 'unauthorized' | 'forbidden', message: string) {
    super(code, message);
  }
}
