import * as assert from 'node:assert/strict';
import { isLibraryPath, parseStackFrames } from '../../../src/core/sources/stackFrames';

describe('sources: stack traces', () => {
  it('reads a Python traceback innermost first', () => {
    const tb = [
      'Traceback (most recent call last):',
      '  File "/app/agent.py", line 40, in run',
      '    result = get_weather(city)',
      '  File "/app/tools/weather.py", line 12, in get_weather',
      '    raise ValueError("unknown city")',
      'ValueError: unknown city',
    ].join('\n');
    assert.deepEqual(parseStackFrames(tb), [
      { path: '/app/tools/weather.py', line: 12, functionName: 'get_weather' },
      { path: '/app/agent.py', line: 40, functionName: 'run' },
    ]);
  });

  it('reads V8 stacks: named, anonymous, async and file:// frames; skips node: internals', () => {
    const stack = [
      'Error: unknown city',
      '    at getWeather (/work/agent/tools.ts:12:11)',
      '    at async execute (file:///work/agent/run%20it.mjs:30:5)',
      '    at /work/agent/index.js:7:3',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
    assert.deepEqual(parseStackFrames(stack), [
      { path: '/work/agent/tools.ts', line: 12, column: 11, functionName: 'getWeather' },
      { path: '/work/agent/run it.mjs', line: 30, column: 5, functionName: 'execute' },
      { path: '/work/agent/index.js', line: 7, column: 3 },
    ]);
  });

  it('knows library frames', () => {
    assert.ok(isLibraryPath('/app/node_modules/ai/dist/index.js'));
    assert.ok(isLibraryPath('/usr/lib/python3.12/site-packages/openai/x.py'));
    assert.ok(isLibraryPath('/usr/lib/python3.12/json/decoder.py'));
    assert.ok(!isLibraryPath('/app/tools/weather.py'));
  });

  it('returns nothing for text that is no stack', () => {
    assert.deepEqual(parseStackFrames('ValueError: at the end of the line: 12'), []);
    assert.deepEqual(parseStackFrames(''), []);
  });
});
