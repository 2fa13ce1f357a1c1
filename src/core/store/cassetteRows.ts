// A session's cassette (its LLM exchanges, see core/gateway/cassette.ts) kept beside its spans as the meta
// row `cassette:<sessionId>`: meta is the one table whose rows the schema check leaves free, so files
// with cassettes open in any build, and SQLite exports carry them without a schema change.
import { parseCassette } from '../gateway/cassette';
import type { StoreContext } from './context';
import { firstRow, str } from './sqlite';

const prefix = 'cassette:';

export function putCassetteRow(ctx: StoreContext, sessionId: string, json: string): void {
  ctx.stmts.get('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run([prefix + sessionId, json]);
}

/** The cassette's JSON text, or undefined. */
export function cassetteRow(ctx: StoreContext, sessionId: string): string | undefined {
  const row = firstRow(ctx.stmts, 'SELECT value FROM meta WHERE key = ?', [prefix + sessionId]);
  return row ? str(row[0]) : undefined;
}

export function deleteCassetteRows(ctx: StoreContext, sessionIds: readonly string[]): void {
  for (const id of sessionIds) ctx.stmts.get('DELETE FROM meta WHERE key = ?').run([prefix + id]);
}

/**
 * Copies `fromId`'s cassette row (if any) to `toId` in `to`. A file's row is hostile: it is copied only
 * once it parses as a cassette; otherwise the reason is returned and the session comes without it.
 */
export function copyCassetteRow(from: StoreContext, to: StoreContext, fromId: string, toId: string): string | undefined {
  const text = cassetteRow(from, fromId);
  if (text === undefined) return undefined;
  try {
    parseCassette(text, `the cassette of session '${fromId}'`);
  } catch (e) {
    return `${(e as Error).message}; the session was imported without it`;
  }
  putCassetteRow(to, toId, text);
  return undefined;
}
