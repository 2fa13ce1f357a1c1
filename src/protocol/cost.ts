// Messages between the host and the Cost webview view. Pure types: no vscode, no node, no DOM.

export interface ReceiverInfoDto {
  /** e.g. http://127.0.0.1:4318 ; undefined while the receiver is stopped. */
  httpEndpoint?: string;
  grpcEndpoint?: string;
  spans: number;
  sessions: number;
}

/** Host -> webview. The host posts nothing before it received `ready`. */
export type CostToWebview = { type: 'snapshot'; receiver: ReceiverInfoDto };

/** Webview -> host. */
export type CostToHost =
  | { type: 'ready' }
  | { type: 'copyEndpoint' }
  | { type: 'startReceiver' };
