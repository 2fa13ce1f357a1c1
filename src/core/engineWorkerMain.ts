// The engine worker's entry (see engineClient.ts): the store, the ingest queue, the OTLP receiver's
// sockets and the agent model live on this thread; the extension host talks to it over protocol/engine.ts.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { EngineTestRequests } from '../protocol/engine';
import { serveEngine } from './engineService';
import { setModelBudgetForTest } from './modelBudget';
import type { StoreOptions } from './store/spanStore';
import { lowerThisThreadsPriority } from './threadPriority';

const port = parentPort;
if (!port) throw new Error('engineWorkerMain runs as a worker thread');
// Before the decode workers start: they inherit it (Linux), and VS Code's thread wins the cores in a flood.
lowerThisThreadsPriority();
const connection = createMessageConnection(new PortMessageReader(port), new PortMessageWriter(port));
connection.onRequest(EngineTestRequests.exitWorker, (p) => process.exit(p.code));
connection.onRequest(EngineTestRequests.heapLimit, () => getHeapStatistics().heap_size_limit);
connection.onRequest(EngineTestRequests.modelBudget, (p) => setModelBudgetForTest(p));
// A store that cannot be created fails every request with its reason; the host then falls back.
void serveEngine(connection, workerData as StoreOptions).catch(() => undefined);
