// Where tools and agents are defined, found by reading source text line by line: no parser per language,
// just the shapes the common frameworks use. Each hit says how strong its evidence is.
import { nameKey } from './names';

export type DefinitionKind = 'tool' | 'agent' | 'function';

export interface Definition {
  name: string;
  /** nameKey(name) */
  key: string;
  kind: DefinitionKind;
  /** 1-based */
  line: number;
}

export type Language = 'python' | 'script';

export function languageOf(path: string): Language | undefined {
  if (/\.py$/i.test(path)) return 'python';
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i.test(path)) return 'script';
  return undefined;
}

// A `name: 'x'` / `name="x"` line belongs to a tool or an agent when one of these opened just before it.
const toolContext = /\b(tool|DynamicStructuredTool|DynamicTool|StructuredTool|FunctionTool|Tool|function_tool|createTool|defineTool|from_function)\s*[({.]|type:\s*['"]function['"]|"type":\s*"function"/;
const agentContext = /\b(Agent|createAgent|create_react_agent|createReactAgent|AgentExecutor|LlmAgent|Assistant)\s*[({]/;
const contextLines = 6;

const script = {
  // const getWeather = tool({ ... })   /   export const getWeather = createTool(...)
  toolVariable: /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:await\s+)?(?:tool|createTool|defineTool|new\s+(?:DynamicStructuredTool|DynamicTool))\s*[(<]/,
  // tools: { getWeather: tool({ ... }) }  /  'get-weather': tool(...)
  toolKey: /^\s*['"]?([A-Za-z_$][\w$-]*)['"]?\s*:\s*(?:tool|createTool|defineTool)\s*[(<]/,
  name: /\bname\s*[:=]\s*['"`]([^'"`]+)['"`]/,
  // The AI SDK names a run by its telemetry functionId: that is the agent's name in the trace.
  functionId: /\bfunctionId\s*:\s*['"`]([^'"`]+)['"`]/,
  fn: /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]/,
  arrow: /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>/,
  method: /^\s*(?:public\s+|private\s+|protected\s+)?(?:static\s+)?(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{]+)?\{\s*$/,
  klass: /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/,
};

const python = {
  def: /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/,
  klass: /^\s*class\s+([A-Za-z_]\w*)/,
  // @tool, @tool("name"), @function_tool(name_override="x"), @mcp.tool(), @agent.tool
  toolDecorator: /^\s*@(?:[\w.]+\.)?(?:tool|function_tool|tool_plain)\b(?:\s*\(\s*(?:(?:name|name_override)\s*=\s*)?(?:['"]([^'"]+)['"])?)?/,
  name: /\bname(?:_override)?\s*=\s*['"]([^'"]+)['"]/,
};

export function scanDefinitions(text: string, language: Language): Definition[] {
  const lines = text.split(/\r?\n/);
  return language === 'python' ? scanPython(lines) : scanScript(lines);
}

function def(name: string, kind: DefinitionKind, line: number): Definition {
  return { name, key: nameKey(name), kind, line };
}

/** What opened in the few lines up to and including `i`: a tool, an agent, or neither. */
function contextAt(lines: string[], i: number): 'tool' | 'agent' | undefined {
  for (let j = i; j >= Math.max(0, i - contextLines); j--) {
    const l = lines[j]!;
    if (agentContext.test(l)) return 'agent';
    if (toolContext.test(l)) return 'tool';
    // An earlier object or call closed above this line: whatever opened before it is not ours.
    if (j < i && /^\s*[})\]]/.test(l)) return undefined;
  }
  return undefined;
}

function scanScript(lines: string[]): Definition[] {
  const out: Definition[] = [];
  lines.forEach((l, i) => {
    const n = i + 1;
    let m = script.toolVariable.exec(l) ?? script.toolKey.exec(l);
    if (m) out.push(def(m[1]!, 'tool', n));
    m = script.name.exec(l);
    if (m) {
      const kind = contextAt(lines, i);
      if (kind) out.push(def(m[1]!, kind, n));
    }
    m = script.functionId.exec(l);
    if (m) out.push(def(m[1]!, 'agent', n));
    m = script.fn.exec(l) ?? script.arrow.exec(l) ?? script.klass.exec(l);
    if (m) out.push(def(m[1]!, 'function', n));
    else if ((m = script.method.exec(l)) && !/^(if|for|while|switch|catch|function|return)$/.test(m[1]!)) out.push(def(m[1]!, 'function', n));
  });
  return out;
}

function scanPython(lines: string[]): Definition[] {
  const out: Definition[] = [];
  // A decorator applies to the next def; its name argument, if any, wins over the function's name.
  let decorated: { name?: string } | undefined;
  lines.forEach((l, i) => {
    const n = i + 1;
    const deco = python.toolDecorator.exec(l);
    if (deco) {
      decorated = { name: deco[1] };
      return;
    }
    let m = python.def.exec(l);
    if (m) {
      if (decorated) {
        out.push(def(decorated.name ?? m[1]!, 'tool', n));
        if (decorated.name) out.push(def(m[1]!, 'function', n));
      } else {
        out.push(def(m[1]!, 'function', n));
      }
      decorated = undefined;
      return;
    }
    if (!/^\s*@/.test(l) && l.trim() !== '') decorated = undefined;
    m = python.klass.exec(l);
    if (m) out.push(def(m[1]!, 'function', n));
    m = python.name.exec(l);
    if (m) {
      const kind = contextAt(lines, i);
      if (kind) out.push(def(m[1]!, kind, n));
    }
  });
  return out;
}
