// Findings in the exports: eval JSONL gets one safety_finding record per finding on its step, the HTML
// report's data carries them; neither carries a secret or an address from a finding unmasked.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import { evalRecords } from '../../../src/core/export/evalJsonl';
import { reportData } from '../../../src/core/export/reportData';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { agentRun } from './session';

const root = path.resolve(__dirname, '../../../..');
const secret = ['ghp_', 'R8t2Yw6Qp4Zx9Lm3Nc7Vb1Hd5Kf0Gs2Jt8Ua'].join('');

describe('safety: findings in eval JSONL and the HTML report data', () => {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures/safety/poisoned-agent.otlp.json'), 'utf8'));
  const inputs = spanInputsFromRequests(traces, logs);
  const session = buildSession(inputs);

  it('eval JSONL: a safety_finding record on the step of each finding, masked', () => {
    const records = evalRecords(session, { id: 's1', name: 'poisoned' });
    const safety = records.filter((r) => r.type === 'safety_finding');
    assert.deepEqual(safety.map((r) => `${r.safety!.kind}:${r.step}`), ['injection:execute_tool fetch_page', 'injection:execute_tool fetch_page', 'pii:chat gpt-4o-mini', 'taint:execute_tool send_email']);
    const taint = safety.find((r) => r.safety!.kind === 'taint')!;
    assert.equal(taint.safety!.heuristic, true);
    assert.equal(taint.safety!.field, 'send_email.to');
    assert.equal(taint.safety!.path!.length, 3);
    assert.ok(!JSON.stringify(safety).includes('offers-desk@mailbox-relay.net'));
    assert.equal(records.filter((r) => r.type === 'llm_call').length, 3, 'the LLM call records are unchanged');
  });

  it('the report data lists the findings with their steps', () => {
    const data = reportData(session, { id: 's1', name: 'poisoned' }, inputs);
    assert.deepEqual(data.safety!.map((f) => f.kind), ['injection', 'injection', 'pii', 'taint']);
    assert.equal(data.safety!.find((f) => f.kind === 'taint')!.stepIds.length, 3);
    assert.ok(!JSON.stringify(data.safety).includes('offers-desk@mailbox-relay.net'));
  });

  it('a token sent to a tool is a masked safety_finding record in eval JSONL', () => {
    const steps = agentRun([{ user: 'save it', calls: [{ name: 'save_note', args: { text: `token ${secret}` }, result: 'ok' }] }]);
    const s = { ...buildSession([]), steps };
    const records = evalRecords(s, { id: 's2', name: 'leak' }).filter((r) => r.type === 'safety_finding');
    assert.equal(records.length, 1);
    assert.equal(records[0].safety!.kind, 'secret');
    assert.ok(!JSON.stringify(records).includes(secret) && !JSON.stringify(records).includes(secret.slice(8, 20)));
  });
});
