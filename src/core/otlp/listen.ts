// Binding with a visible fallback: a taken port never fails silently, it moves and says so.
import { type Server, createServer } from 'node:net';
import type { ListenAddress } from './receiverTypes';

/** Codes that mean "this port is not available to us", where another port will do. */
export function isPortUnavailable(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

/** Listens on host:port; if the port is taken, on a free port instead (fellBack: true). */
export async function listenWithFallback(server: Server, host: string, port: number): Promise<ListenAddress> {
  try {
    return { host, port: await listenOnce(server, host, port), requestedPort: port, fellBack: false };
  } catch (e) {
    if (port === 0 || !isPortUnavailable(e)) throw e;
    return { host, port: await listenOnce(server, host, 0), requestedPort: port, fellBack: true };
  }
}

/** Whether host:port can be bound right now (a probe, for servers whose bind errors are noisy). */
export async function isPortFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return true;
  const probe = createServer();
  try {
    await listenOnce(probe, host, port);
    return true;
  } catch (e) {
    if (isPortUnavailable(e)) return false;
    throw e;
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}
