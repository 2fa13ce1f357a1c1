// Tool-name and argument patterns. minimatch for paths and hosts; tool names match case-insensitively.
import { minimatch } from 'minimatch';

export function nameMatches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => minimatch(name, p, { nocase: true, dot: true }));
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
  return globs.some((g) => minimatch(value, g, { dot: true }) || (host !== undefined && !g.includes('/') && minimatch(host, g, { nocase: true })));
}
