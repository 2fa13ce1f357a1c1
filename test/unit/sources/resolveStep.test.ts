import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent/types';
import type { SpanInput } from '../../../src/core/agent/types';
import { annotateSources, ResolutionCache, resolveStep, stackTracesOf } from '../../../src/core/sources/resolveStep';
import { SourceIndex } from '../../../src/core/sources/sourceIndex';
import { SourceMirror } from '../../../src/core/sources/sourceMirror';

let seq = 0;
function step(fields: Partial<AgentStep>): AgentStep {
  const id = (++seq).toString(16).padStart(16, '0');
  return { id, spanId: id, traceId: 'a'.repeat(32), kind: 'other', name: 'step', dialects: ['genai'], startMs: 0, endMs: 10, durationMs: 10, status: 'ok', attributes: {}, ...fields };
}

const root = '/ws/app';
const files: Record<string, string> = {
  'src/tools.ts': ["import { tool } from 'ai';", '', 'export const getWeather = tool({', "  description: 'Weather',", '});'].join('\n'),
  'agent/tools.py': ['@tool', 'def search_flights(origin: str, dest: str):', '    ...', '', 'def book_hotel(city):', '    ...'].join('\n'),
  'agent/planner.py': ['from agents import Agent', '', 'planner = Agent(', '    name="TripPlanner",', ')'].join('\n'),
  'prompts/system.md': [
    '# Travel planner',
    '',
    'You are a meticulous travel planner for {{ user_name }}.',
    'Always check the weather in {city} before suggesting outdoor plans.',
    'Answer in at most {max_words} words and cite the tools you used.',
  ].join('\n'),
  'src/prompts.ts': [
    'export const userPrompt = (city: string) =>',
    '  `Plan a relaxed weekend in ${city} with one museum and one long walk.`;',
  ].join('\n'),
  'README.md': 'You are a travel planner.',
};

function index(): SourceIndex {
  const ix = new SourceIndex([root]);
  for (const [p, text] of Object.entries(files)) ix.update(`${root}/${p}`, text);
  return ix;
}

describe('sources: resolving a step to its line', () => {
  it('1. code.* attributes, new and deprecated names, mapped into the workspace from a container path', () => {
    const ix = index();
    const a = resolveStep(step({ attributes: { 'code.file.path': '/app/src/tools.ts', 'code.line.number': 3, 'code.function.name': 'getWeather' } }), ix);
    assert.deepEqual(a, { location: { path: `${root}/src/tools.ts`, line: 3, how: 'attribute', confidence: 1, detail: 'code.file.path /app/src/tools.ts' } });
    const b = resolveStep(step({ attributes: { 'code.filepath': 'agent/tools.py', 'code.lineno': 2 } }), ix);
    assert.equal('location' in b && `${b.location.path}:${b.location.line}`, `${root}/agent/tools.py:2`);
    // Not in the workspace: still the emitter's word, with less confidence.
    const c = resolveStep(step({ attributes: { 'code.file.path': '/elsewhere/lib.py', 'code.line.number': 9 } }), ix);
    assert.equal('location' in c && c.location.confidence, 0.9);
  });

  it('2. stack traces: the first frame inside the workspace, Python and JS', () => {
    const ix = index();
    const py = '  File "/usr/lib/python3.12/site-packages/x.py", line 1, in f\n  File "/srv/agent/tools.py", line 5, in book_hotel';
    const r = resolveStep(step({ kind: 'tool', name: 'x' }), ix, [py]);
    assert.ok('location' in r);
    assert.equal(`${r.location.how} ${r.location.path}:${r.location.line}`, `stacktrace ${root}/agent/tools.py:5`);
    const js = 'Error: boom\n    at x (/home/ci/node_modules/ai/index.js:1:1)\n    at getWeather (/ci/build/app/src/tools.ts:4:9)';
    const r2 = resolveStep(step({ kind: 'llm' }), ix, [js]);
    assert.equal('location' in r2 && `${r2.location.path}:${r2.location.line}`, `${root}/src/tools.ts:4`);
  });

  it('3. tool steps by name, including a name that differs in case and separators from its function', () => {
    const ix = index();
    const r = resolveStep(step({ kind: 'tool', name: 'execute_tool get_weather', toolName: 'get_weather' }), ix);
    assert.ok('location' in r);
    assert.equal(`${r.location.path}:${r.location.line}`, `${root}/src/tools.ts:3`);
    assert.equal(r.location.how, 'tool-index');
    assert.match(r.location.detail ?? '', /defined as getWeather/);
    const exact = resolveStep(step({ kind: 'tool', toolName: 'search_flights' }), ix);
    assert.ok('location' in exact && exact.location.line === 2 && exact.location.confidence > r.location.confidence);
    const plainFunction = resolveStep(step({ kind: 'tool', toolName: 'BookHotel' }), ix);
    assert.equal('location' in plainFunction && `${plainFunction.location.path}:${plainFunction.location.line}`, `${root}/agent/tools.py:5`);
  });

  it('4. LLM steps by their prompt, with template variables filled in at run time', () => {
    const ix = index();
    const systemPrompt = [
      'You are a meticulous travel planner for Ada Lovelace.',
      'Always check the weather in Lisbon before suggesting outdoor plans.',
      'Answer in at most 120 words and cite the tools you used.',
    ].join('\n');
    const r = resolveStep(step({ kind: 'llm', systemPrompt }), ix);
    assert.ok('location' in r);
    assert.equal(`${r.location.how} ${r.location.path}:${r.location.line}`, `prompt-match ${root}/prompts/system.md:3`);
    assert.equal(r.location.detail, 'system prompt: 3 of 3 lines match');
    // A user prompt from a JS template literal, re-wrapped on its way.
    const user = resolveStep(step({ kind: 'llm', inputMessages: [{ role: 'user', parts: [{ type: 'text', text: 'Plan a relaxed   weekend in Porto with one museum and one long walk.' }] }] }), ix);
    assert.equal('location' in user && `${user.location.path}:${user.location.line}`, `${root}/src/prompts.ts:2`);
  });

  it('5. agent steps by gen_ai.agent.name', () => {
    const r = resolveStep(step({ kind: 'agent', name: 'invoke_agent TripPlanner', agentName: 'TripPlanner' }), index());
    assert.ok('location' in r);
    assert.equal(`${r.location.how} ${r.location.path}:${r.location.line}`, `agent-index ${root}/agent/planner.py:4`);
  });

  it('says why when nothing is found, naming what was tried', () => {
    const ix = index();
    const r = resolveStep(step({ kind: 'tool', toolName: 'launch_rocket' }), ix);
    assert.deepEqual(r, { missing: 'No source location: no code.* attributes; no stack trace; no tool or function named launch_rocket in 6 indexed files.' });
    const llm = resolveStep(step({ kind: 'llm' }), ix);
    assert.match('missing' in llm ? llm.missing : '', /no prompt recorded \(content capture off\?\)/);
  });

  it('follows edits: re-indexing and removing files changes the answer', () => {
    const ix = index();
    ix.update(`${root}/src/tools.ts`, '\n\n\n\nexport const getWeather = tool({})');
    const r = resolveStep(step({ kind: 'tool', toolName: 'getWeather' }), ix);
    assert.equal('location' in r && r.location.line, 5);
    ix.remove(`${root}/src/tools.ts`);
    assert.ok('missing' in resolveStep(step({ kind: 'tool', toolName: 'getWeather' }), ix));
  });

  it('maps paths in a multi-root workspace: relative to any folder, or by the longest unambiguous suffix', () => {
    const ix = new SourceIndex(['/ws/frontend', '/ws/agents']);
    ix.update('/ws/frontend/src/app.ts', 'export const a = 1');
    ix.update('/ws/agents/src/app.ts', 'export const b = 1');
    ix.update('/ws/agents/planner/tools.py', 'def plan():\n  pass');
    assert.equal(ix.resolvePath('planner/tools.py'), '/ws/agents/planner/tools.py');
    assert.equal(ix.resolvePath('/srv/app/planner/tools.py'), '/ws/agents/planner/tools.py');
    assert.equal(ix.resolvePath('C:\\build\\agents\\src\\app.ts'), '/ws/agents/src/app.ts');
    // Two folders have src/app.ts and nothing else tells them apart: no guess.
    assert.equal(ix.resolvePath('/container/src/app.ts'), undefined);
  });

  it('stays within its limits and says so', () => {
    const ix = new SourceIndex([root], { maxFiles: 2, maxFileBytes: 100, maxTemplateLines: 1000 });
    assert.equal(ix.update(`${root}/a.ts`, 'const a = 1'), true);
    assert.equal(ix.update(`${root}/big.ts`, 'x'.repeat(101)), false);
    assert.equal(ix.update(`${root}/b.ts`, 'const b = 1'), true);
    assert.equal(ix.update(`${root}/c.ts`, 'const c = 1'), false);
    assert.equal(ix.fileCount, 2);
    assert.equal(ix.truncated, 2);
  });

  it('reads stack traces from code.stacktrace, exception events and log records, and annotates a session', () => {
    const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });
    const input = {
      span: { attributes: [kv('code.stacktrace', 'A')], events: [{ name: 'exception', attributes: [kv('exception.stacktrace', 'B')] }] },
      logs: [{ attributes: [kv('exception.stacktrace', 'C')] }],
    } as unknown as SpanInput;
    assert.deepEqual(stackTracesOf(input), ['A', 'B', 'C']);
    const ix = index();
    const tool = step({ kind: 'tool', toolName: 'get_weather' });
    const lost = step({ kind: 'tool', toolName: 'nope', source: { path: 'x', how: 'attribute', confidence: 1 } });
    annotateSources([tool, lost], ix, new Map());
    assert.equal(tool.source?.line, 3);
    assert.equal(lost.source, undefined);
    assert.match(lost.sourceMissing ?? '', /no tool or function named nope/);
  });

  it('a cache resolves each step once while the index is unchanged, and again after an edit', () => {
    const ix = index();
    const cache = new ResolutionCache();
    const tool = step({ kind: 'tool', toolName: 'get_weather' });
    let calls = 0;
    const counting = () => {
      calls++;
      return resolveStep(tool, ix);
    };
    assert.equal(cache.get(ix, tool.traceId, tool.id, counting), cache.get(ix, tool.traceId, tool.id, counting));
    assert.equal(calls, 1);
    ix.update(`${root}/src/tools.ts`, '\nexport const getWeather = tool({})');
    const moved = cache.get(ix, tool.traceId, tool.id, counting);
    assert.equal(calls, 2);
    assert.equal('location' in moved && moved.location.line, 2);
    // annotateSources takes what the cache holds instead of resolving again.
    const other = step({ kind: 'tool', toolName: 'nope' });
    cache.get(ix, other.traceId, other.id, () => ({ location: { path: '/cached.py', line: 7, how: 'tool-index', confidence: 1 } }));
    annotateSources([other], ix, new Map(), cache);
    assert.equal(other.source?.path, '/cached.py');
    // The same span id in another trace (a re-run, an import) is resolved for itself.
    const elsewhere = step({ kind: 'tool', toolName: 'nope', traceId: 'f'.repeat(32), id: other.id, spanId: other.id });
    annotateSources([elsewhere], ix, new Map(), cache);
    assert.equal(elsewhere.source, undefined);
    assert.match(elsewhere.sourceMissing ?? '', /no tool or function named nope/);
  });
});

describe('sources: a name several files define goes to the one beside the rest of the run', () => {
  // Two example agents, each with its own `convert` tool; the run's prompt is in the second one's file.
  const other = ['def convert(amount, rate):', '    return amount * rate'].join('\n');
  const mine = ['def convert(amount, rate):', '    return round(amount * rate, 2)', '', 'PROMPT = "Convert 120 EUR to USD at 1.08, then explain the rate"'].join('\n');
  const llm = step({ kind: 'llm', inputMessages: [{ role: 'user', parts: [{ type: 'text', text: 'Convert 120 EUR to USD at 1.08, then explain the rate' }] }] });
  const tool = step({ kind: 'tool', name: 'execute_tool convert', toolName: 'convert' });

  for (const order of ['theirs first', 'mine first'] as const) {
    it(`in the debuggers' view, CodeLens and a single step's answer alike (${order} in the index)`, () => {
      const mirror = new SourceMirror();
      const files = [{ path: '/ws/examples/stdlib-agent/tools.py', text: other }, { path: '/ws/examples/no-otel-agent/agent.py', text: mine }];
      mirror.apply({ reset: true, roots: ['/ws'], files: order === 'theirs first' ? files : files.reverse(), removed: [] });
      const places = mirror.locationsOf({ steps: [llm, tool], inputs: [] });
      assert.equal(places[0]?.path, '/ws/examples/no-otel-agent/agent.py', 'the prompt is found');
      assert.equal(places[0]?.how, 'prompt-match');
      assert.deepEqual([places[1]?.path, places[1]?.line, places[1]?.how], ['/ws/examples/no-otel-agent/agent.py', 1, 'tool-index']);
      assert.equal(places[1]?.confidence, 0.6, 'no longer halved by the tie');
      assert.deepEqual(mirror.located(tool, undefined, () => ({ steps: [llm, tool], inputs: [] })).source, places[1]);
      // Alone, nothing settles it: either file, at half the confidence.
      const alone = mirror.located(tool, undefined).source!;
      assert.equal(alone.confidence, 0.3);
      assert.equal(mirror.locationsOf({ steps: [tool], inputs: [] })[0]?.confidence, 0.3);
      // ... unless the run was launched: its program's folder settles it (a run with no prompt found, as
      // an agent recorded by the gateway alone may be).
      for (const [program, file] of [['/ws/examples/no-otel-agent', '/ws/examples/no-otel-agent/agent.py'], ['/ws/examples/stdlib-agent/', '/ws/examples/stdlib-agent/tools.py']]) {
        const steps = [step({ kind: 'tool', name: 'execute_tool convert', toolName: 'convert' })];
        // The same steps placed before their launch's folder was known: the folder still settles them after.
        assert.equal(mirror.locationsOf({ steps, inputs: [] })[0]?.confidence, 0.3);
        assert.deepEqual([mirror.locationsOf({ steps, inputs: [], folder: program })[0]?.path, mirror.locationsOf({ steps, inputs: [], folder: program })[0]?.confidence], [file, 0.6]);
        assert.equal(mirror.located(steps[0]!, undefined, () => ({ steps, inputs: [], folder: program })).source?.path, file);
      }
    });
  }
});
