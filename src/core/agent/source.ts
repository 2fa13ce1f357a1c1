// Source locations that need no editor and no guessing: the OTel code.* attributes, new names
// (semconv >= 1.30) and the old ones Logfire and the Java agent still send. Stack traces, tool indexes and
// prompt matching belong to core/sources (a later issue).
import { count, str } from './attributes';
import type { Attributes, SourceLocation } from './types';

export function sourceFromAttributes(a: Attributes): SourceLocation | undefined {
  const path = str(a['code.file.path']) ?? str(a['code.filepath']);
  if (!path) return undefined;
  const source: SourceLocation = { path, how: 'attribute', confidence: 1 };
  const line = count(a['code.line.number'] ?? a['code.lineno']);
  if (line !== undefined && Number.isInteger(line)) source.line = line;
  return source;
}
