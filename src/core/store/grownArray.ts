// Typed arrays that grow as columns fill: a copy into a bigger array of the same kind.

type Column = Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** `a`'s values at the start of a new array of the same kind, `length` long (at least a's length). */
export function grown<T extends Column>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(length, a.length));
  b.set(a);
  return b;
}
