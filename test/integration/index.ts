// Loaded by the extension host (extensionTestsPath): runs every *.test.js beside it with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { webviewTestMs } from './otlpPost';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: webviewTestMs, reporter: require.resolve('../../../test/harness/reporter.cjs') });
  // --grep on runIntegration: run a slice of the suite while working on one feature.
  if (process.env.AGENT_DEBUGGER_TEST_GREP) mocha.grep(process.env.AGENT_DEBUGGER_TEST_GREP);
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
