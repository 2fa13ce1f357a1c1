import * as vscode from 'vscode';
import { ForwardError, Forwarder, type ForwardTarget } from '../../core/forward/forwarder';
import type { StoreChange } from '../../core/store/types';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { onSettingsChanged, setting } from '../settings';
import { pickSession, type SessionArg } from '../commands/sessionCommands';
import type { SessionsNode } from '../views/sessionsTree';

/** Headers (API keys) live in SecretStorage under this key, as a JSON object: never in settings. */
const headersSecret = 'agentDebugger.forward.headers';

export async function forwardHeaders(secrets: vscode.SecretStorage): Promise<Record<string, string>> {
  const raw = await secrets.get(headersSecret);
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return {};
  }
}

/** `Name: value` pairs separated by newlines or `;` (the order OTEL_EXPORTER_OTLP_HEADERS uses `,` and `=`: both accepted). */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[;\n]|,(?=\s*[\w-]+\s*[=:])/)) {
    const m = /^\s*([\w.-]+)\s*[:=]\s*(.*?)\s*$/.exec(part);
    if (m) out[m[1]!] = decodeURIComponent(m[2]!);
    else if (part.trim()) throw new Error(`not a header: "${part.trim()}" (use Name: value)`);
  }
  return out;
}

export function registerForwardCommands(store: DisposableStore, receiver: ReceiverService, view: vscode.TreeView<SessionsNode>, secrets: vscode.SecretStorage, log: Log): LiveMirror {
  store.add(
    vscode.commands.registerCommand(Commands.setForwardHeaders, async (headers?: Record<string, string>) => {
      if (!headers) {
        const text = await vscode.window.showInputBox({
          title: 'Headers for the OTLP endpoint (stored in VS Code SecretStorage)',
          prompt: 'Name: value pairs separated by ";" — e.g. Authorization: Basic abc...; x-tenant: me. Empty clears them.',
          password: true,
          ignoreFocusOut: true,
        });
        if (text === undefined) return undefined;
        try {
          headers = parseHeaders(text);
        } catch (e) {
          void vscode.window.showErrorMessage(`Agent Debugger: ${(e as Error).message}`);
          return undefined;
        }
      }
      if (Object.keys(headers).length) await secrets.store(headersSecret, JSON.stringify(headers));
      else await secrets.delete(headersSecret);
      void vscode.window.showInformationMessage(`Agent Debugger: ${Object.keys(headers).length} forward header(s) saved in SecretStorage.`);
      return Object.keys(headers);
    }),
  );
  store.add(
    // Arguments: session, { url }. Returns { spans } or { error, status?, body? }.
    vscode.commands.registerCommand(Commands.sendSessionToEndpoint, async (arg?: SessionArg, options?: { url?: string }) => {
      const id = await pickSession(receiver, view, arg, 'Send');
      if (!id) return undefined;
      const url = options?.url ?? (await vscode.window.showInputBox({
        title: 'Send session to OTLP endpoint',
        prompt: 'The OTLP/HTTP traces URL (headers such as API keys: "Agent Debugger: Set Forward Headers")',
        value: setting('forward.url') || 'http://localhost:4318/v1/traces',
        ignoreFocusOut: true,
      }));
      if (!url) return undefined;
      const engine = await receiver.engine();
      const name = engine.getSession(id)?.name ?? id;
      try {
        const target: ForwardTarget = { url, headers: await forwardHeaders(secrets), protocol: setting('forward.protocol') };
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Sending '${name}' to ${url}` }, (progress) => {
          let last = 0;
          return engine.forwardSession(id, target, (sent, total) => {
            const pct = Math.floor((sent / total) * 100);
            progress.report({ increment: pct - last, message: `${sent} of ${total} spans` });
            last = pct;
          });
        });
        const logs = result.logRecordsNotSent ? ` (${result.logRecordsNotSent} log records not sent: spans only)` : '';
        void vscode.window.showInformationMessage(`Agent Debugger: sent ${result.spans} spans of '${name}' to ${url}${logs}.`);
        return { spans: result.spans };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        log.error(`forward: ${error}`);
        void vscode.window.showErrorMessage(`Agent Debugger: could not send '${name}': ${error}`);
        return e instanceof ForwardError ? { error, status: e.status, body: e.body, sent: e.sent } : { error };
      }
    }),
  );
  return store.add(new LiveMirror(receiver, secrets, log));
}

const retryStartMs = 2000;
const retryMaxMs = 60_000;

/**
 * `agentDebugger.forward.enabled` + `.url`: every span that arrives is also sent to the team's endpoint.
 * Spans are remembered as sent only once the endpoint accepted them; after a failure they are retried with
 * the next change (and the user told once per failure streak), so nothing is dropped silently.
 */
export class LiveMirror implements vscode.Disposable {
  private forwarder: Forwarder | undefined;
  private readonly sent = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private failing = false;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = retryStartMs;
  private subscription: { dispose(): void } | undefined;
  private readonly settings: vscode.Disposable;
  /** Spans accepted by the endpoint since the mirror started (tests, status). */
  accepted = 0;
  lastError: string | undefined;

  constructor(private readonly receiver: ReceiverService, private readonly secrets: vscode.SecretStorage, private readonly log: Log) {
    this.settings = onSettingsChanged(['forward.enabled', 'forward.url', 'forward.protocol'], () => void this.configure());
    void this.configure();
  }

  private async configure(): Promise<void> {
    const enabled = setting('forward.enabled') && !!setting('forward.url');
    await this.stop();
    if (!enabled) return;
    try {
      this.forwarder = new Forwarder({ url: setting('forward.url'), headers: await forwardHeaders(this.secrets), protocol: setting('forward.protocol') });
    } catch (e) {
      void vscode.window.showErrorMessage(`Agent Debugger: live forwarding is off: ${(e as Error).message}`);
      return;
    }
    const engine = await this.receiver.engine();
    this.subscription = engine.onDidChange((c: StoreChange) => {
      for (const id of [...c.added, ...c.changed]) this.dirty.add(id);
      for (const id of [...c.removed, ...c.evicted]) this.sent.delete(id);
      this.schedule();
    });
    this.log.info(`forward: mirroring new spans to ${setting('forward.url')}`);
    // Spans a previous endpoint refused are still owed: send them to this one.
    if (this.dirty.size) this.schedule();
  }

  private schedule(): void {
    this.chain = this.chain.then(() => this.flush());
  }

  /** Where spans are mirrored to now (undefined: the mirror is off). */
  get endpoint(): string | undefined {
    return this.forwarder?.target.url;
  }

  /** Resolves once everything that changed so far was sent (or failed). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async flush(): Promise<void> {
    const forwarder = this.forwarder;
    if (!forwarder || this.dirty.size === 0) return;
    const engine = await this.receiver.engine();
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      let done = this.sent.get(id);
      if (!done) this.sent.set(id, (done = new Set()));
      const fresh = (await engine.spansOfSession(id)).filter((s) => !done.has(`${s.traceId}/${s.spanId}`));
      if (fresh.length === 0) continue;
      try {
        await forwarder.send(fresh);
        for (const s of fresh) done.add(`${s.traceId}/${s.spanId}`);
        this.accepted += fresh.length;
        this.failing = false;
        this.lastError = undefined;
        this.retryMs = retryStartMs;
      } catch (e) {
        // Keep them unsent: the next change retries.
        this.dirty.add(id);
        this.lastError = (e as Error).message;
        this.log.error(`forward (live): ${this.lastError}`);
        if (!this.failing) void vscode.window.showErrorMessage(`Agent Debugger: live forwarding failed: ${this.lastError}. Spans are kept and retried.`);
        this.failing = true;
        // Retried with the next spans, or after a back-off if none come (an agent that has finished).
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.schedule(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, retryMaxMs);
      }
    }
  }

  private async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.subscription?.dispose();
    this.subscription = undefined;
    const f = this.forwarder;
    this.forwarder = undefined;
    await this.chain;
    await f?.dispose();
  }

  dispose(): void {
    this.settings.dispose();
    void this.stop();
  }
}
