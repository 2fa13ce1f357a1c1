// Mocha's spec reporter plus a JSON summary file (path in AGENT_DEBUGGER_TEST_RESULTS) so that the
// orchestrator can add the layers up, and never reports success without a summary saying so.
const fs = require('fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const summary = { passes: 0, failures: 0, pending: 0, failed: [] };
    runner.on('pass', () => summary.passes++);
    runner.on('pending', () => summary.pending++);
    runner.on('fail', (test, err) => {
      summary.failures++;
      summary.failed.push({ title: test.fullTitle(), error: String(err && err.message) });
    });
    runner.once('end', () => {
      const out = process.env.AGENT_DEBUGGER_TEST_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
    });
  }
}
module.exports = SummaryReporter;
