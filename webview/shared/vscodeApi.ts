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
 * Resolves once the page's stylesheets and the codicon font are loaded (at most `capMs`). Webviews say
 * `ready` after it: their resources come through the workbench's service worker, and a webview closed while
 * one of its fetches is in flight holds that worker up (~30 s in VS Code 1.100 on the web) and with it every
 * webview opened next. The stylesheets first: before codicon.css is in, the font is unknown and
 * fonts.load() has nothing to wait for.
 */
function resourcesLoaded(capMs = 3000): Promise<void> {
  const loaded = (async () => {
    if (document.readyState !== 'complete') await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
    await document.fonts.load('16px codicon');
    await document.fonts.ready;
  })().catch(() => undefined);
  return Promise.race([loaded, new Promise<void>((resolve) => setTimeout(resolve, capMs))]);
}
