import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';

export function registerReceiverCommands(store: DisposableStore, receiver: ReceiverService, log: Log): void {
  store.add(vscode.commands.registerCommand(Commands.startReceiver, () => receiver.start()));
  store.add(vscode.commands.registerCommand(Commands.stopReceiver, () => receiver.stop()));
  store.add(vscode.commands.registerCommand(Commands.showLog, () => log.show()));
  store.add(
    vscode.commands.registerCommand(Commands.copyEndpoint, async () => {
      await receiver.start();
      const endpoint = receiver.httpEndpoint;
      if (!endpoint) return undefined;
      await vscode.env.clipboard.writeText(endpoint);
      void vscode.window.showInformationMessage(`Copied ${endpoint} — set it as OTEL_EXPORTER_OTLP_ENDPOINT for your agent.`);
      return endpoint;
    }),
  );
}
