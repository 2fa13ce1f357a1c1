import * as vscode from 'vscode';
import { Settings, settingsSection } from './contributions';

export function setting<K extends keyof Settings>(key: K): Settings[K] {
  return vscode.workspace.getConfiguration(settingsSection).get(key) as Settings[K];
}

/** The agent model's options from settings (the user's prices): every reader of a session passes these. */
export function agentOptions(): { pricing: { overrides: Settings['pricing.models'] } } {
  return { pricing: { overrides: setting('pricing.models') } };
}

export function onSettingsChanged(keys: (keyof Settings)[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (keys.some((k) => e.affectsConfiguration(`${settingsSection}.${k}`))) listener();
  });
}
