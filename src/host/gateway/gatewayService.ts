// Traced launches call their LLM providers through the engine's recording gateway: each run gets its
// own route (its session, the base URLs it had set as upstreams) and the SDK base-URL variables in its
// env (and preloads for Node and Python agents whose clients hard-code a provider URL). Off with
// agentDebugger.gateway.enabled; per provider with .providers; the preloads apart with .nodePreload / .pythonPreload.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DebugMessages } from '../../core/debug/stepSession';
import { chainedUpstreams, gatewayEnv } from '../../core/gateway/launchEnv';
import type { LlmGateway } from '../../core/gateway/gateway';
import { isProviderId, type ProviderId } from '../../core/gateway/providers';
import type { RunRouteOptions } from '../../core/gateway/routes';
import type { TracedConfigFields } from '../debug/debugTypes';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { setting } from '../settings';

/** Written into a resolved configuration: the run's gateway route (a restart re-points it). */
export interface GatewayConfigFields {
  agentDebuggerGatewayRun?: string;
}

export class GatewayService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private starting: Promise<LlmGateway | undefined> | undefined;
  /** More route options per run (the fork service: cassette recording, fork replay). */
  routeHooks?: (config: vscode.DebugConfiguration, sessionId: string) => Pick<RunRouteOptions, 'onExchange' | 'responder'>;

  constructor(private readonly receiver: ReceiverService, private readonly log: Log, private readonly extensionPath: string) {
    this.disposables.push(vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.onCustomEvent(e)));
  }

  /** The running gateway, started on first need; undefined when it could not start. */
  gateway(): Promise<LlmGateway | undefined> {
    this.starting ??= this.receiver.engine().then(async (engine) => {
      const gateway = await engine.startGateway({ port: setting('gateway.port') ?? 0, allowedOrigins: setting('receiver.allowedOrigins'), onError: (m) => this.log.warn(m) });
      this.log.info(`LLM gateway: ${gateway.endpoint}`);
      const address = gateway.listening;
      if (address?.fellBack) {
        const message = `Port ${address.requestedPort} is in use, so the LLM gateway listens on ${address.port}.`;
        this.log.warn(message);
        void vscode.window.showWarningMessage(`Agent Debugger: ${message}`);
      }
      return gateway;
    }).catch((e: unknown) => {
      this.starting = undefined;
      this.log.error(`LLM gateway failed to start: ${(e as Error).message}`);
      return undefined;
    });
    return this.starting;
  }

  /** Adds the gateway's base URLs to a traced configuration's env (idempotent: resolvers may run twice). */
  async inject(config: vscode.DebugConfiguration & TracedConfigFields & GatewayConfigFields): Promise<void> {
    if (!setting('gateway.enabled') || config.agentDebuggerGatewayRun || !config.agentDebuggerSessionId) return;
    const providers = (setting('gateway.providers') ?? []).filter(isProviderId) as ProviderId[];
    if (providers.length === 0) return;
    const gateway = await this.gateway();
    if (!gateway?.endpoint) return;
    const own: Record<string, string | null> = { ...(config.env as Record<string, string | null> | undefined) };
    const base: Record<string, string | undefined> = { ...process.env };
    for (const [k, v] of Object.entries(own)) base[k] = v ?? undefined;
    const program = typeof config.program === 'string' ? config.program.split(/[\\/]/).pop() : undefined;
    const run = gateway.addRun({ sessionId: config.agentDebuggerSessionId, serviceName: program ?? config.name, upstreams: chainedUpstreams(base, gateway.endpoint, providers), ...this.routeHooks?.(config, config.agentDebuggerSessionId) });
    const urls: Partial<Record<ProviderId, string>> = {};
    for (const p of providers) urls[p] = gateway.baseUrl(p, run);
    const preload = setting('gateway.nodePreload') ? { path: path.join(this.extensionPath, 'dist', 'gatewayPreload.js'), nodeOptions: base.NODE_OPTIONS } : undefined;
    const pythonPreload = setting('gateway.pythonPreload') ? { dir: path.join(this.extensionPath, 'dist', 'python'), pythonPath: base.PYTHONPATH } : undefined;
    config.env = { ...own, ...gatewayEnv(urls, preload, pythonPreload) };
    config.agentDebuggerGatewayRun = run.id;
  }

  private onCustomEvent(e: vscode.DebugSessionCustomEvent): void {
    // A restarted `agent` launch records into a new session: so do its LLM calls.
    const sessionId = (e.body as { sessionId?: string } | undefined)?.sessionId;
    const runId = (e.session.configuration as GatewayConfigFields).agentDebuggerGatewayRun;
    if (e.event !== DebugMessages.run || !sessionId || !runId) return;
    void this.starting?.then((gateway) => {
      const run = gateway?.run(runId);
      if (run) run.sessionId = sessionId;
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
