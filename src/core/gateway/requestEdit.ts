// What a user changed in a request opened for editing, applied to the body the agent sends now: only the
// fields that differ between the opened and the edited document change; the rest stays the agent's own.
import { isDeepStrictEqual } from 'node:util';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `live` with every field where `edited` differs from `base` set to the edited value (deletions too). */
export function applyEdit(live: unknown, base: unknown, edited: unknown, depth = 0): unknown {
  if (isDeepStrictEqual(base, edited)) return live;
  if (depth > 64) return edited;
  if (isObj(live) && isObj(base) && isObj(edited)) {
    const out: Obj = { ...live };
    for (const k of new Set([...Object.keys(base), ...Object.keys(edited)])) {
      if (!(k in edited)) delete out[k];
      else if (!(k in base) || !(k in live)) out[k] = edited[k];
      else out[k] = applyEdit(live[k], base[k], edited[k], depth + 1);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(base) && Array.isArray(edited) && live.length === base.length && base.length === edited.length) {
    return live.map((x, i) => applyEdit(x, base[i], edited[i], depth + 1));
  }
  return edited;
}
