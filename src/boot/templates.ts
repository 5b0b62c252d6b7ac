import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { NotFoundError, ValidationError } from '../errors.js';

type Compiled = Handlebars.TemplateDelegate;

/**
 * Strict handlebars templates: a missing variable is an error, output is not HTML-escaped
 * (these are text files). An admin's templates folder is searched before the built-in
 * one; files are re-read when they change, so an override takes effect without a restart.
 */
export class TemplateStore {
  private readonly cache = new Map<string, { mtimeMs: number; fn: Compiled }>();

  constructor(private readonly dirs: string[]) {}

  private locate(name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new ValidationError(`"${name}" is not a template name`, 'template');
    for (const dir of this.dirs) {
      const file = join(dir, `${name}.hbs`);
      if (existsSync(file)) return file;
    }
    throw new NotFoundError(`no template "${name}.hbs" in ${this.dirs.join(' or ')}`);
  }

  render(name: string, view: Record<string, unknown>): string {
    const file = this.locate(name);
    const mtimeMs = statSync(file).mtimeMs;
    let entry = this.cache.get(file);
    if (!entry || entry.mtimeMs !== mtimeMs) {
      entry = { mtimeMs, fn: Handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true }) };
      this.cache.set(file, entry);
    }
    assertOneLineValues(view, name);
    return entry.fn(view);
  }
}

/**
 * Last line of defence for line-oriented files: inputs are validated when stored, but a
 * row written by hand with sqlite3 must not inject a directive either.
 */
function assertOneLineValues(value: unknown, where: string, path = ''): void {
  if (typeof value === 'string') {
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new ValidationError(`value ${path} contains a newline or control character; refusing to render ${where}`, path);
  } else if (Array.isArray(value)) {
    value.forEach((x, i) => assertOneLineValues(x, where, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) assertOneLineValues(x, where, path ? `${path}.${k}` : k);
  }
}
