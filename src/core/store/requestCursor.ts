// Cutting an OTLP request into smaller requests of at most N spans (or log records) each, keeping the
// resource and scope structure, so a huge request can be stored a slice at a time.
import type { LogsRequest, ResourceLogs, ResourceSpans, ScopeLogs, ScopeSpans, TraceRequest } from '../otlp/model';

export function countSpans(req: TraceRequest): number {
  let n = 0;
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

export function countLogRecords(req: LogsRequest): number {
  let n = 0;
  for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

/** Reads a two-level grouping (resource -> scope -> items) front to back, N items at a time. */
abstract class GroupCursor<Req, Outer, Inner, Item> {
  private outer = 0;
  private inner = 0;
  private item = 0;

  constructor(protected readonly req: Req) {}

  protected abstract outers(): Outer[];
  protected abstract inners(o: Outer): Inner[];
  protected abstract items(i: Inner): Item[];
  protected abstract withItems(i: Inner, items: Item[]): Inner;
  protected abstract withInners(o: Outer, inners: Inner[]): Outer;
  protected abstract make(outers: Outer[]): Req;

  get done(): boolean {
    return this.outer >= this.outers().length;
  }

  /** The next request of at most `max` items (fewer at the end), and how many it holds. */
  take(max: number): { req: Req; count: number } {
    const outers = this.outers();
    const taken: Outer[] = [];
    let count = 0;
    while (count < max && this.outer < outers.length) {
      const o = outers[this.outer]!;
      const inners = this.inners(o);
      const takenInners: Inner[] = [];
      while (count < max && this.inner < inners.length) {
        const i = inners[this.inner]!;
        const all = this.items(i);
        const n = Math.min(max - count, all.length - this.item);
        if (n > 0) takenInners.push(this.item === 0 && n === all.length ? i : this.withItems(i, all.slice(this.item, this.item + n)));
        count += n;
        this.item += n;
        if (this.item >= all.length) {
          this.inner++;
          this.item = 0;
        }
      }
      const whole = takenInners.length === inners.length && takenInners.every((t, k) => t === inners[k]);
      if (takenInners.length) taken.push(whole ? o : this.withInners(o, takenInners));
      if (this.inner >= inners.length) {
        this.outer++;
        this.inner = 0;
      }
    }
    return { req: this.make(taken), count };
  }
}

export class TraceCursor extends GroupCursor<TraceRequest, ResourceSpans, ScopeSpans, ScopeSpans['spans'][number]> {
  protected outers(): ResourceSpans[] {
    return this.req.resourceSpans;
  }
  protected inners(o: ResourceSpans): ScopeSpans[] {
    return o.scopeSpans;
  }
  protected items(i: ScopeSpans): ScopeSpans['spans'] {
    return i.spans;
  }
  protected withItems(i: ScopeSpans, spans: ScopeSpans['spans']): ScopeSpans {
    return { ...i, spans };
  }
  protected withInners(o: ResourceSpans, scopeSpans: ScopeSpans[]): ResourceSpans {
    return { ...o, scopeSpans };
  }
  protected make(resourceSpans: ResourceSpans[]): TraceRequest {
    return { resourceSpans };
  }
}

export class LogsCursor extends GroupCursor<LogsRequest, ResourceLogs, ScopeLogs, ScopeLogs['logRecords'][number]> {
  protected outers(): ResourceLogs[] {
    return this.req.resourceLogs;
  }
  protected inners(o: ResourceLogs): ScopeLogs[] {
    return o.scopeLogs;
  }
  protected items(i: ScopeLogs): ScopeLogs['logRecords'] {
    return i.logRecords;
  }
  protected withItems(i: ScopeLogs, logRecords: ScopeLogs['logRecords']): ScopeLogs {
    return { ...i, logRecords };
  }
  protected withInners(o: ResourceLogs, scopeLogs: ScopeLogs[]): ResourceLogs {
    return { ...o, scopeLogs };
  }
  protected make(resourceLogs: ResourceLogs[]): LogsRequest {
    return { resourceLogs };
  }
}
