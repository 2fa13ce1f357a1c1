// Fails fast, with the exact command to run, when the machine lacks what the real-VS-Code tests need.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));

function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the apt packages missing: python3 for every layer (the Python example agents run in unit,
 * integration and e2e tests), the rest for the layers that drive a browser or code-server.
 */
export function missingPrerequisites({ browser = true } = {}) {
  const missing = [];
  if (!has('python3')) missing.push('python3');
  if (!browser) return missing;
  if (!chromiumPath) missing.push('chromium');
  if (!has('krb5-config') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!has('rg')) missing.push('ripgrep');
  return missing;
}

export function assertPrerequisites(options) {
  const missing = missingPrerequisites(options);
  if (missing.length === 0) return;
  const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
  console.error(`\nMissing prerequisites: ${missing.join(', ')}.\nInstall them with:\n\n  ${sudo}apt-get update && ${sudo}apt-get install -y ${missing.join(' ')}\n`);
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  assertPrerequisites();
  console.log('prerequisites ok');
}
