// The one acquireVsCodeApi() of a webview (it may be called only once), typed by the webview's protocol.

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface HostClient<ToHost, ToWebview, State> {
  post(message: ToHost): void;
  /** Posts the first `ready` once the page's resources are in (see resourcesLoaded). */
  postWhenLoaded(message: ToHost): void;
  onMessage(listener: (message: ToWebview) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

let api: VsCodeApi<unknown> | undefined;

export function hostClient<ToHost, ToWebview, State = unknown>(): HostClient<ToHost, ToWebview, State> {
  api ??= acquireVsCodeApi<unknown>();
  const vscode = api as VsCodeApi<State>;
  return {
    post: (message) => vscode.postMessage(message),
    postWhenLoaded: (message) => void resourcesLoaded().then(() => vscode.postMessage(message)),
    onMessage: (listener) => window.addEventListener('message', (e: MessageEvent<ToWebview>) => listener(e.data)),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  };
}

/**
 * Resolves once the page's styles and the codicon font are in (at most `capMs`), so the first snapshot
 * paints with its icons. All are inline (core/webviewAssets.ts): this takes milliseconds, not a fetch.
 */
function resourcesLoaded(capMs = 3000): Promise<void> {
  const loaded = (async () => {
    if (document.readyState !== 'complete') await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
    await document.fonts.load('16px codicon');
    await document.fonts.ready;
  })().catch(() => undefined);
  return Promise.race([loaded, new Promise<void>((resolve) => setTimeout(resolve, capMs))]);
}
