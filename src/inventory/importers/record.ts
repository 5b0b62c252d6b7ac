import { RackbootError, ValidationError } from '../../errors.js';

/** One node as a file describes it; fields a format lacks are absent. */
export interface ImportRecord {
  line: number;
  mac?: string;
  hostname?: string;
  ip?: string;
  nodeId?: number;
  cluster?: string;
  rack?: string;
  profile?: string;
  rootPath?: string;
}

/** Run `fn`, turning any error into one that names the input line. */
export function atLine<T>(line: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RackbootError) throw new ValidationError(`line ${line}: ${e.message}`);
    throw e;
  }
}

/** Strip a `#` comment (outside double quotes). */
export function stripComment(line: string): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '#' && !inQuote) return line.slice(0, i);
  }
  return line;
}
