// What a live delta keeps of the version the panel holds. A run's new spans mostly add events after the
// ones it has, and dataflow edges after the ones it was sent: a delta sends what follows the longest run of
// events (and of edges) that is the same in both, not all of them (on a 100k-step session, 4.5 MB a delta).
import type { EdgeDto, TimelineDto } from '../../protocol/graph';
import type { SentEdges } from '../../protocol/graphPacking';
import { lowerBound } from '../lowerBound';

/** What the panel holds of the version a feed last sent packed: its timeline and its edges as sent. */
export interface SentBase {
  version: number;
  timeline: TimelineDto;
  edges: SentEdges;
}

/**
 * How many of `base`'s events `now` starts with: the same step, type and time, and the same labels among them.
 * `known`: its first events are known to be the same, labels and all (copied from `base`).
 */
export function keptEvents(base: TimelineDto, now: TimelineDto, known = 0): number {
  const n = Math.min(base.step.length, now.step.length);
  let kept = Math.min(known, n);
  while (kept < n && base.step[kept] === now.step[kept] && base.time[kept] === now.time[kept] && base.type.charCodeAt(kept) === now.type.charCodeAt(kept)) kept++;
  // Labels are listed by event index: the first one that differs (or is in one list only) ends what is kept.
  const a = base.labels, b = now.labels;
  const first = known > 0 ? Math.min(labelsBefore(a, known), labelsBefore(b, known)) : 0;
  for (let i = first; i < Math.max(a.length, b.length); i++) {
    const x = a[i], y = b[i];
    const at = Math.min(x?.[0] ?? Infinity, y?.[0] ?? Infinity);
    if (at >= kept) break;
    if (x?.[0] !== y?.[0] || x?.[1] !== y?.[1]) return at;
  }
  return kept;
}

/** How many of the edges `base` was sent `now` sends first, the same (the derived ones are derived again). */
export function keptEdges(base: SentEdges, now: SentEdges): number {
  const a = base.sent, b = now.sent;
  const n = Math.min(a.length, b.length);
  let kept = 0;
  while (kept < n && sameEdge(a[kept]!, b[kept]!)) kept++;
  return kept;
}

function sameEdge(a: EdgeDto, b: EdgeDto): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** How many of `labels` (by event index, ascending) are of events before `events`. */
export function labelsBefore(labels: readonly [number, string][], events: number): number {
  return lowerBound(labels.length, (i) => labels[i]![0] < events);
}
