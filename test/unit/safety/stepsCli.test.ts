// `agent-debugger steps FILE --fail-on KIND[,KIND]` on the recorded poisoned-agent run (examples/poisoned-agent,
// recorded with `agent-debugger record`): findings printed, exit 3 when a listed kind was found, 0 when not.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runSteps } from '../cliCapture';

const root = path.resolve(__dirname, '../../../..');
const poisoned = path.join(root, 'test/fixtures/safety/poisoned-agent.otlp.json');

const capture = runSteps;

describe('CLI: agent-debugger steps --fail-on', function () {
  this.timeout(60_000);

  it('prints the findings and exits 3 for a kind that was found', async () => {
    const { code, out, err } = await capture([poisoned, '--fail-on', 'taint,policy']);
    assert.equal(code, 3);
    assert.match(out, /safety \(taint, heuristic\): text from `fetch_page` \(step 3\) reached `send_email\.to` \(step 5\): path 3 -> 4 -> 5/);
    assert.match(out, /safety \(injection, heuristic\): possible prompt injection in fetch_page \(step 3\) result at \d+ \(html-comment\)/);
    assert.match(err, /1 taint finding\(s\) \(--fail-on taint,policy\)/);
    assert.ok(!out.includes('offers-desk@mailbox-relay.net\n') && !/safety.*offers-desk@mailbox-relay\.net/.test(out), 'the address is masked in findings');
  });

  it('exits 0 when no finding of the kinds exists; a policy file adds policy findings; bad kinds are usage errors', async () => {
    assert.equal((await capture([poisoned, '--fail-on', 'secret'])).code, 0);
    assert.equal((await capture([poisoned])).code, 0);
    const { code, out } = await capture([poisoned, '--json', '--fail-on', 'policy', '--policy', path.join(root, 'examples/poisoned-agent/.agent-policy.json')]);
    assert.equal(code, 3);
    const json = JSON.parse(out) as { safety: { kind: string; rule: string; field: string }[] };
    assert.deepEqual(json.safety.filter((f) => f.kind === 'policy').map((f) => `${f.rule}:${f.field}`), ['arg-not-allowed:send_email.to']);
    await assert.rejects(capture([poisoned, '--fail-on', 'taint,nope']), /--fail-on takes kinds separated by commas \(injection, taint, secret, pii, policy\), not 'taint,nope'/);
  });
});
