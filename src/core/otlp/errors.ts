// The one error type the OTLP decoders throw. The receiver turns it into a 400 (HTTP) or
// INVALID_ARGUMENT (gRPC); anything else escaping a decoder is a bug and becomes a 500.

/** Attribute values nest (arrays, kvlists); past this depth the input is hostile, not an agent. */
export const MAX_VALUE_DEPTH = 64;

export class OtlpDecodeError extends Error {
  /** Where in the message the problem is ('' at the top level). */
  location = '';

  constructor(readonly detail: string) {
    super(detail);
    this.name = 'OtlpDecodeError';
  }

  /** Adds an enclosing protobuf message, innermost first: "span #3 of scope #0 of resource #1". */
  inMessage(segment: string): this {
    this.location = this.location ? `${this.location} of ${segment}` : segment;
    return this.refresh();
  }

  /** Adds an enclosing JSON key or index, outermost last: "resourceSpans[0].scopeSpans[1]". */
  inJson(segment: string): this {
    if (!this.location) this.location = segment;
    else this.location = segment + (this.location.startsWith('[') ? '' : '.') + this.location;
    return this.refresh();
  }

  private refresh(): this {
    this.message = this.location ? `${this.location}: ${this.detail}` : this.detail;
    return this;
  }
}

/**
 * Any error thrown while decoding, as an OtlpDecodeError. protobufjs throws RangeError on truncation
 * and plain Errors on bad varints; those are the input's fault, so they become decode errors too.
 */
export function asDecodeError(e: unknown): OtlpDecodeError {
  if (e instanceof OtlpDecodeError) return e;
  if (e instanceof RangeError && /index out of range/.test(e.message)) {
    return new OtlpDecodeError(`truncated message (${e.message})`);
  }
  if (e instanceof RangeError) return new OtlpDecodeError(`message too deeply nested or too large (${e.message})`);
  return new OtlpDecodeError(e instanceof Error ? e.message : String(e));
}

/** Wraps an error from inside a protobuf sub-message with that message's name. */
export function inMessage(e: unknown, segment: string): OtlpDecodeError {
  return asDecodeError(e).inMessage(segment);
}

/** Wraps an error from inside a JSON value with its key or index. */
export function inJson(e: unknown, segment: string): OtlpDecodeError {
  return asDecodeError(e).inJson(segment);
}
