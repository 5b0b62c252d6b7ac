import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../paths.js';

export const webDir = (): string => join(packageRoot(), 'templates', 'web');

export type View = (data: Record<string, unknown>) => string;

/**
 * The web page's handlebars views (templates/web/*.hbs), compiled once, strict: a view
 * naming a value the route did not pass is an error, not a blank. `{{ }}` escapes
 * everything; the only `{{{ }}}` is the layout's body, which is a rendered view.
 */
export function loadViews(dir: string = webDir()): (name: string, data: Record<string, unknown>) => string {
  const hbs = Handlebars.create();
  const views = new Map<string, View>();
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.hbs')) views.set(f.slice(0, -4), hbs.compile(readFileSync(join(dir, f), 'utf8'), { strict: true }));
  }
  const get = (name: string): View => {
    const v = views.get(name);
    if (!v) throw new Error(`no web view ${name}.hbs in ${dir}`);
    return v;
  };
  return (name, data) => {
    const body = get(name)(data);
    return get('layout')({ title: name, user: null, csrf: '', flash: null, error: null, script: null, ...data, body });
  };
}
