// Source locations -> absolute file paths the editor can open, and the key breakpoints are matched by.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A relative path is tried against each root (the launch's cwd, the workspace folders) and the first
 * that exists wins; with none existing it is resolved against the first root.
 */
export function resolveSourcePath(file: string, roots: readonly string[]): string {
  if (path.isAbsolute(file)) return path.normalize(file);
  for (const root of roots) {
    const candidate = path.resolve(root, file);
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve(roots[0] ?? process.cwd(), file);
}

/** The key two paths share when they name the same file (case-insensitive where the file system is). */
export function pathKey(file: string): string {
  const p = path.resolve(file);
  return process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;
}
