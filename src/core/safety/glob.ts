// Tool-name and argument patterns. minimatch for paths and hosts; tool names match case-insensitively.
// Patterns compile once (a session asks the same few patterns about every step).
import { minimatch } from 'minimatch';

/** Per case rule, by pattern: the patterns are a few constant strings, whose hash V8 keeps (a key made per ask was hashed anew). */
const compiled = { exact: new Map<string, RegExp | false>(), nocase: new Map<string, RegExp | false>() };

function re(pattern: string, nocase: boolean): RegExp | false {
  const cache = nocase ? compiled.nocase : compiled.exact;
  let r = cache.get(pattern);
  if (r === undefined) {
    r = minimatch.makeRe(pattern, { dot: true, nocase });
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}

function matches(value: string, pattern: string, nocase: boolean): boolean {
  const r = re(pattern, nocase);
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
