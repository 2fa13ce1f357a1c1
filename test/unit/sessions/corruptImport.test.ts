// Bad files: a clear error naming where the file went wrong, and the sessions already there untouched.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { fixturePath, observable, storeWith, tempDir } from './helpers';

describe('sessions: importing a corrupt or truncated file', function () {
  this.timeout(30000);
  const fixture = readFileSync(fixturePath('traceloop-openai'), 'utf8');
  const oneLine = JSON.stringify(JSON.parse(fixture));
  const cases: [string, string, RegExp][] = [
    ['truncated JSON document', fixture.slice(0, Math.floor(fixture.length * 0.6)), /ends early at line \d+, column \d+ \(byte \d+\).*truncated/],
    ['truncated one-line JSON (our own export, cut)', oneLine.slice(0, 300), /ends early at line 1, column 301 \(byte 300\).*truncated/],
    ['truncated JSONL (last line cut)', `${oneLine}\n${oneLine}\n${oneLine.slice(0, 500)}`, /line 3 \(byte \d+\) is cut short \(truncated file\?\)/],
    ['garbage line in JSONL', `${oneLine}\nnot json at all\n${oneLine}\n`, /line 2 \(byte \d+\) is not JSON/],
    ['JSON that is not OTLP', '{"hello": "world"}', /not an OTLP export/],
    ['OTLP of the wrong shape on line 2', `${oneLine}\n${oneLine.replace(/"scopeSpans":\[/, '"scopeSpans":"oops","x":[')}\n`, /line 2 \(byte \d+\): resourceSpans\[0\]\.scopeSpans: expected an array/],
    ['empty file', '', /empty/],
    ['a SQLite header over garbage', 'SQLite format 3\0' + 'x'.repeat(5000), /./],
  ];
  for (const [what, content, message] of cases) {
    it(`${what}: ${message}`, async () => {
      const { store, sessionId } = await storeWith('vercel-ai-agent');
      const before = observable(store, sessionId);
      const sessionsBefore = store.listSessions().map((s) => [s.id, s.name, s.spanCount]);
      const file = path.join(tempDir(), 'bad.otlp.json');
      writeFileSync(file, content, 'latin1');
      await assert.rejects(importSessionFile(store, file), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
      assert.deepEqual(store.listSessions().map((s) => [s.id, s.name, s.spanCount]), sessionsBefore);
      assert.deepEqual(observable(store, sessionId), before);
      store.dispose();
    });
  }
});
