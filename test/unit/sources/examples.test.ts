// The judged routes on real runs: examples/travel-agent-py (GenAI semconv from plain Python) and
// examples/weather-agent (Vercel AI SDK), each with tools, prompts and the agent in different files.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { TraceEngine } from '../../../src/core/engine';
import { annotateSources, indexFolder, SourceIndex } from '../../../src/core/sources';
import { repoRoot, runExample } from '../runExample';

async function locatedSteps(command: string, args: string[]): Promise<string[]> {
  const engine = await TraceEngine.create();
  try {
    const run = await runExample(engine, command, args, `sources-${path.basename(path.dirname(args[0]!))}`);
    assert.equal(run.code, 0, run.stderr);
    const [summary] = engine.store.listSessions();
    const inputs = readSession(engine.store, summary!.id);
    const { steps } = buildSession(inputs);
    const index = new SourceIndex([path.join(repoRoot, 'examples')]);
    indexFolder(index, path.join(repoRoot, 'examples'));
    annotateSources(steps, index, new Map(inputs.map((i) => [i.span.spanId, i])));
    return steps.map((s) => `${s.kind} ${s.toolName ?? s.name} -> ${s.source ? `${path.relative(repoRoot, s.source.path)}:${s.source.line} by ${s.source.how}` : s.sourceMissing}`);
  } finally {
    await engine.dispose();
    engine.store.dispose();
  }
}

describe('sources: the examples, run for real, land on the right lines', function () {
  this.timeout(120_000);

  it('Python agent: agent class, prompt template, tools by name and by decorator name, a failing tool by its traceback', async () => {
    assert.deepEqual(await locatedSteps('python3', ['examples/travel-agent-py/agent.py']), [
      'agent invoke_agent TravelPlanner -> examples/travel-agent-py/planner.py:12 by agent-index',
      'llm chat gpt-4o-mini -> examples/travel-agent-py/prompts/planner.txt:1 by prompt-match',
      'tool get_weather -> examples/travel-agent-py/tools.py:15 by tool-index',
      'tool find_museums -> examples/travel-agent-py/tools.py:22 by tool-index',
      'tool convert_currency -> examples/travel-agent-py/tools.py:30 by stacktrace',
      'llm chat gpt-4o-mini -> examples/travel-agent-py/prompts/planner.txt:1 by prompt-match',
    ]);
  });

  it('AI SDK agent: functionId, the system prompt file with its {{cities}} filled in, tools by key', async () => {
    assert.deepEqual(await locatedSteps('tsx', ['examples/weather-agent/agent.ts', 'Weather in Paris?']), [
      'agent ai.generateText -> examples/weather-agent/agent.ts:61 by agent-index',
      'llm ai.generateText.doGenerate -> examples/weather-agent/prompts/system.md:1 by prompt-match',
      'tool getWeather -> examples/weather-agent/tools.ts:20 by tool-index',
      'llm ai.generateText.doGenerate -> examples/weather-agent/prompts/system.md:1 by prompt-match',
    ]);
  });
});
