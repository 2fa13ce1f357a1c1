// For desktop contributors: the same in-host suite in a downloaded desktop VS Code through
// @vscode/test-electron (`npm run test:desktop`). It needs network access to VS Code's download
// server, so `npm test` uses code-server instead (see runIntegration.ts).
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from './codeServer';

runTests({
  version: process.env.VSCODE_VERSION ?? '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test/integration/index.js'),
  launchArgs: [join(root, 'examples'), '--disable-extensions'],
}).catch((e) => {
  console.error('desktop integration tests failed:', e);
  process.exit(1);
});
