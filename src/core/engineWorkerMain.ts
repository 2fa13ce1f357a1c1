// The engine worker's entry (see engineClient.ts): the store, the ingest queue, the OTLP receiver's
// sockets and the agent model live on this thread; the extension host talks to it over protocol/engine.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { serveEngine } from './engineService';
import type { StoreOptions } from './store/spanStore';

const port = parentPort;
if (!port) throw new Error('engineWorkerMain runs as a worker thread');
// A store that cannot be created fails every request with its reason; the host then falls back.
void serveEngine(createMessageConnection(new PortMessageReader(port), new PortMessageWriter(port)), workerData as StoreOptions).catch(() => undefined);
