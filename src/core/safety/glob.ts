// Tool-name and argument patterns. minimatch for paths and hosts; tool names match case-insensitively.
// Patterns compile once (a session asks the same few patterns about every step).
import { minimatch, type MinimatchOptions } from 'minimatch';

const compiled = new Map<string, RegExp | false>();

function re(pattern: string, options: MinimatchOptions): RegExp | false {
  const key = `${options.nocase ? 'i' : ''}\u0000${pattern}`;
  let r = compiled.get(key);
  if (r === undefined) {
    r = minimatch.makeRe(pattern, { dot: true, ...options });
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, r);
  }
  return r;
}

function matches(value: string, pattern: string, nocase: boolean): boolean {
  const r = re(pattern, { nocase });
  return r !== false && r.test(value);
}

export function nameMatches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matches(name, p, true));
}

/** A path glob matches the value; a host glob (no `/`) matches a URL's host name too. */
export function valueMatches(value: string, globs: readonly string[]): boolean {
  let host: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      host = new URL(value).hostname;
    } catch {
      host = undefined;
    }
  }
  return globs.some((g) => matches(value, g, false) || (host !== undefined && !g.includes('/') && matches(host, g, true)));
}
