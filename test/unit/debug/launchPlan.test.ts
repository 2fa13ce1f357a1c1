import * as assert from 'node:assert/strict';
import { detectRuntime, launchPlan, mergeEnv, parseEnvFile } from '../../../src/core/debug/launchPlan';

describe('agent launch plan', () => {
  it('detects the runtime from the program: node, tsx, python, or the program itself', () => {
    assert.equal(detectRuntime('a.mjs', 'linux'), 'node');
    assert.equal(detectRuntime('a.ts', 'linux'), 'tsx');
    assert.equal(detectRuntime('a.py', 'linux'), 'python3');
    assert.equal(detectRuntime('a.py', 'win32'), 'python');
    assert.equal(detectRuntime('./agent', 'linux'), undefined);
    const py = launchPlan({ program: 'agent.py', args: ['--fail'], runtimeArgs: ['-u'] }, '/ws', 'linux');
    assert.deepEqual([py.file, ...py.args], ['python3', '-u', '/ws/agent.py', '--fail']);
    const ts = launchPlan({ program: 'a.ts', cwd: '/x' }, '/ws', 'linux');
    assert.deepEqual([ts.file, ...ts.args], ['npx', '--no-install', 'tsx', '/x/a.ts']);
    const own = launchPlan({ program: 'bin/agent', runtime: 'deno', runtimeArgs: ['run'] }, '/ws', 'linux');
    assert.deepEqual([own.file, ...own.args], ['deno', 'run', '/ws/bin/agent']);
  });

  it('runs a command line through the shell, quoting extra args', () => {
    const p = launchPlan({ command: 'npm run agent --', args: ["it's", 'plain'] }, '/ws', 'linux');
    assert.equal(p.shell, true);
    assert.equal(p.file, `npm run agent -- 'it'\\''s' plain`);
  });

  it('rejects a configuration with neither or both of program and command', () => {
    assert.throws(() => launchPlan({}, '/ws'), /needs 'program'/);
    assert.throws(() => launchPlan({ program: 'a', command: 'b' }, '/ws'), /not both/);
  });

  it('reads .env files and layers env over them, null removing', () => {
    const file = parseEnvFile('# c\nexport A=1\nB="two words"\nC=three # note\nD=\'x\'\n');
    assert.deepEqual(file, { A: '1', B: 'two words', C: 'three', D: 'x' });
    assert.throws(() => parseEnvFile('oops', 'my.env'), /my\.env:1: expected KEY=VALUE/);
    const env = mergeEnv({ PATH: '/bin', A: '0', GONE: 'x' }, file, { A: '9', GONE: null });
    assert.equal(env.A, '9');
    assert.equal(env.B, 'two words');
    assert.equal('GONE' in env, false);
  });
});
