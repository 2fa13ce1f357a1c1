// The two hooks a run route may carry so cassettes and replay can live outside the gateway's own code:
// a responder consulted with each whole request before anything goes upstream, and a listener that
// receives each exchange's raw bytes (with their timing) once it ends.
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { KeyValue } from '../otlp/model';
import type { ProviderId } from './providers';

export interface GatewayCall {
  provider: ProviderId;
  method: string;
  /** Path after the provider prefix, without the query. */
  path: string;
  body: Buffer;
}

/** A response standing in for the upstream's: the gateway passes it on and records it like a real one. */
export type StandInResponse = Readable & { statusCode: number; headers: IncomingHttpHeaders };

export type ResponderVerdict =
  /** Answer without calling upstream. */
  | { answer: StandInResponse; attributes?: KeyValue[] }
  /** Call upstream with this body (the agent's own, or an edit of it). */
  | { forward: Buffer; attributes?: KeyValue[] };

export type GatewayResponder = (call: GatewayCall) => ResponderVerdict;

export interface RawChunk {
  /** ms since the request started. */
  atMs: number;
  data: Buffer;
}

export interface RawExchange {
  provider: ProviderId;
  method: string;
  path: string;
  /** The request body as sent upstream; undefined when over the recording cap. */
  requestBody: Buffer | undefined;
  status?: number;
  contentType?: string;
  chunks: RawChunk[];
  startMs: number;
  endMs: number;
  error?: { type: string; message: string };
}

export type ExchangeListener = (raw: RawExchange) => void;

export function standIn(statusCode: number, headers: IncomingHttpHeaders, read: () => void = () => undefined): StandInResponse {
  return Object.assign(new Readable({ read }), { statusCode, headers });
}
