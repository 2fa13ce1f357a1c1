// Inside the real VS Code: a malicious SQLite file (meta as a view over an endless recursive query, the
// file that used to spin the extension host forever) is refused with the error shown, and the extension
// host keeps answering commands while and after it is imported.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadSqlJs } from '../../src/core/store/sqlite';
import { SpanStore } from '../../src/core/store/spanStore';
import { Commands } from '../../src/host/contributions';
import { evilCorpus } from '../attack/sqliteCorpus';
import { bulkRequest, str } from '../unit/store/fixtures';
import { activeApi } from './extension.test';

describe('Hostile import: a malicious SQLite file is refused and VS Code stays responsive', function () {
  this.timeout(60000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-it-hostile-'));

  it('shows why the file was refused, changes no session, and a command answers within 500 ms throughout (a busy 2-core machine included)', async () => {
    const source = await SpanStore.create();
    source.ingestTraces(bulkRequest(50, 0, [str('session.id', 'hostile-source')]));
    const corpus = evilCorpus(await loadSqlJs(), source.exportSqlite());
    source.dispose();
    const store = (await (await activeApi()).receiver.engine());
    const before = store.listSessions().map((s) => `${s.id}:${s.spanCount}`).sort();

    for (const name of ['meta-view-recursive', 'trigger-on-upgrade', 'spans-view-recursive']) {
      const evil = corpus.find((e) => e.name === name)!;
      const file = path.join(dir, `${name}.sqlite`);
      writeFileSync(file, evil.bytes);
      // The import runs while a cheap command is asked again and again: each answer must come fast.
      const importing = Promise.resolve(vscode.commands.executeCommand<{ error?: string }>(Commands.importSession, vscode.Uri.file(file)));
      let done = false;
      void importing.finally(() => (done = true));
      const answers: number[] = [];
      do {
        const started = performance.now();
        await vscode.commands.executeCommand(Commands.clearSessionFilter);
        answers.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      } while (!done);
      const result = await importing;
      assert.match(result.error ?? '', evil.reason, name);
      assert.ok(Math.max(...answers) < 500, `${name}: slowest command answer ${Math.max(...answers).toFixed(0)} ms`);
      const started = performance.now();
      await vscode.commands.executeCommand(Commands.clearSessionFilter);
      assert.ok(performance.now() - started < 500, `${name}: a command after the import took ${(performance.now() - started).toFixed(0)} ms`);
    }
    assert.deepEqual(store.listSessions().map((s) => `${s.id}:${s.spanCount}`).sort(), before);
  });
});
