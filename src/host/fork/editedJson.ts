import * as vscode from 'vscode';

/** An edited request or answer as JSON; undefined (and said so) when the document does not parse. */
export function editedJson(doc: vscode.TextDocument, what: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(doc.getText()) as unknown };
  } catch (e) {
    void vscode.window.showErrorMessage(`The edited ${what} is not JSON: ${(e as Error).message}`);
    return undefined;
  }
}
