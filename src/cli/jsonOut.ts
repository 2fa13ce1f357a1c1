// JSON written piece by piece: the text JSON.stringify(object, null, 2) would give, but with the values of
// some keys written one element at a time, so no string of the whole output (which a 100k-step session's
// `steps --json` made: hundreds of MB, past V8's string limit further on) is ever built.
import { once } from 'node:events';

/** A value written element by element, as a JSON array. */
export class JsonArrayOf<T> {
  constructor(readonly items: Iterable<T>) {}
}

/** Writes `{ key: value, ... }` to `out`, as JSON.stringify(object, null, 2) + '\n' would. */
export async function writeJsonObject(out: NodeJS.WritableStream, entries: [string, unknown][]): Promise<void> {
  const writer = new ChunkWriter(out);
  let first = true;
  await writer.put('{');
  for (const [key, value] of entries) {
    if (value instanceof JsonArrayOf) {
      await writer.put(`${first ? '' : ','}\n  ${JSON.stringify(key)}: [`);
      let empty = true;
      for (const item of value.items as Iterable<unknown>) {
        await writer.put(`${empty ? '' : ','}\n    ${indented(JSON.stringify(item, null, 2) ?? 'null', '    ')}`);
        empty = false;
      }
      await writer.put(empty ? ']' : '\n  ]');
    } else {
      const text = JSON.stringify(value, null, 2);
      if (text === undefined) continue; // as JSON.stringify leaves out an undefined property
      await writer.put(`${first ? '' : ','}\n  ${JSON.stringify(key)}: ${indented(text, '  ')}`);
    }
    first = false;
  }
  await writer.put(first ? '}\n' : '\n}\n');
  await writer.end();
}

function indented(text: string, pad: string): string {
  return text.includes('\n') ? text.replace(/\n/g, `\n${pad}`) : text;
}

/** Pieces gathered into ~64 KB writes; waits for 'drain' when the stream says it is full. */
class ChunkWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  async put(piece: string): Promise<void> {
    this.parts.push(piece);
    this.size += piece.length;
    if (this.size >= 1 << 16) await this.end();
  }

  async end(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
