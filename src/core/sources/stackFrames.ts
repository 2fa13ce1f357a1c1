// Stack traces as agents send them (exception.stacktrace, code.stacktrace): Python tracebacks and V8
// stacks. Only frames with a file and a line are kept, innermost first.

export interface StackFrame {
  path: string;
  line: number;
  column?: number;
  functionName?: string;
}

// Python: `  File "/app/tools.py", line 12, in get_weather`
const pythonFrame = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
// V8: `    at getWeather (/app/tools.ts:12:5)`, `    at /app/tools.ts:12:5`, `at async fn (file:///app/x.mjs:3:1)`
const v8Frame = /^\s*at (?:(.+?) \()?((?:file:\/\/)?[^()\s][^()]*?):(\d+)(?::(\d+))?\)?\s*$/;

export function parseStackFrames(text: string): StackFrame[] {
  const python: StackFrame[] = [];
  const v8: StackFrame[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let m = pythonFrame.exec(raw);
    if (m) {
      python.push(frame(m[1]!, m[2]!, undefined, m[3]));
      continue;
    }
    m = v8Frame.exec(raw);
    if (m && !m[2]!.startsWith('node:') && m[2] !== 'native') v8.push(frame(m[2]!, m[3]!, m[4], m[1]));
  }
  // Python prints the outermost frame first; V8 the innermost. Both come back innermost first.
  return [...python.reverse(), ...v8];
}

function frame(path: string, line: string, column: string | undefined, fn: string | undefined): StackFrame {
  const f: StackFrame = { path: path.startsWith('file://') ? fileUrlPath(path) : path, line: Number(line) };
  if (column) f.column = Number(column);
  if (fn) f.functionName = fn.replace(/^async /, '').trim();
  return f;
}

function fileUrlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname).replace(/^\/([a-zA-Z]:\/)/, '$1');
  } catch {
    return url.slice('file://'.length);
  }
}

/** Frames of library code: never "the line behind the step". */
export function isLibraryPath(path: string): boolean {
  return /[\\/](node_modules|site-packages|dist-packages|\.venv|venv|lib[\\/]python\d[\d.]*)[\\/]/.test(path) || path.startsWith('<');
}
