// Webview -> host requests with ids and timeouts: a request resolves with the host's answer carrying its
// requestId, or rejects on an error answer or when the host stays silent.
export interface Answer {
  requestId: number;
  error?: string;
}

export class Requests {
  private nextId = 1;
  private pending = new Map<number, { resolve(a: Answer): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly timeoutMs = 10_000) {}

  /** `send` gets the request id to put in the message. */
  request<A extends Answer>(send: (requestId: number) => void): Promise<A> {
    const requestId = this.nextId++;
    return new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('the host did not answer'));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (a: Answer) => void, reject, timer });
      send(requestId);
    });
  }

  /** Routes an answer to its request; false if nobody is waiting for it (late or unknown). */
  settle(answer: Answer): boolean {
    const p = this.pending.get(answer.requestId);
    if (!p) return false;
    this.pending.delete(answer.requestId);
    clearTimeout(p.timer);
    if (answer.error !== undefined) p.reject(new Error(answer.error));
    else p.resolve(answer);
    return true;
  }
}
