// The workspace as the resolver sees it: which files exist (to map paths that agents report from other
// machines or containers), where tools and agents are defined, and which lines could be prompt text.
// Built incrementally (update/remove per file) and bounded: past the limits files are refused, not
// half-indexed, and `truncated` says so.
import { posix } from 'node:path';
import { type Definition, type DefinitionKind, languageOf, scanDefinitions } from './definitions';
import { nameKey } from './names';
import { anchorLength, fragmentsMatch, promptLines, type TemplateLine, templateLines } from './promptLines';

export interface SourceIndexLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Template lines kept for prompt matching, over all files. */
  maxTemplateLines: number;
}

/** Recorded lines whose matches are remembered, at most (a new index state forgets them all). */
const maxMatchedLines = 50_000;

export const defaultLimits: SourceIndexLimits = { maxFiles: 20_000, maxFileBytes: 1024 * 1024, maxTemplateLines: 500_000 };

/** Folders whose files are never the code behind a step. */
export const skippedFolders = ['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', 'site-packages', '.tox', '.mypy_cache', '.pytest_cache', '.vscode-test', 'dist', 'out', 'build', 'coverage', '.next'];

const promptFile = /\.(md|txt|prompty|prompt|jinja|jinja2|j2|ya?ml|mustache|hbs|tmpl)$/i;

/** Files worth indexing: code the frameworks define tools in, and prompt files. */
export function isIndexable(path: string): boolean {
  return languageOf(path) !== undefined || promptFile.test(path);
}

export function toSlashes(path: string): string {
  return path.replace(/\\/g, '/');
}

interface FileEntry {
  path: string;
  definitions: Definition[];
  templates: TemplateLine[];
  isPromptFile: boolean;
}

export interface DefinitionHit {
  path: string;
  line: number;
  definition: Definition;
  /** How many definitions were as good as this one (1: unambiguous). */
  ties: number;
}

export interface PromptHit {
  path: string;
  line: number;
  /** Recorded lines matched in that file, and how many distinctive lines the prompt had. */
  matched: number;
  of: number;
}

export class SourceIndex {
  private readonly files = new Map<string, FileEntry>();
  private readonly byBaseName = new Map<string, Set<string>>();
  private readonly definitions = new Map<string, { file: FileEntry; def: Definition }[]>();
  private readonly anchors = new Map<string, { file: FileEntry; t: TemplateLine }[]>();
  private templateCount = 0;
  private roots: string[] = [];
  /** Files refused because a limit was reached. */
  truncated = 0;
  /** Counts every update and removal: resolutions cached against it stay valid while it holds. */
  generation = 0;
  /** Recorded prompt lines -> the template lines they match, for `matchedGeneration` (see templatesMatching). */
  private readonly matched = new Map<string, { file: FileEntry; t: TemplateLine }[]>();
  private matchedGeneration = -1;

  constructor(roots: readonly string[] = [], readonly limits: SourceIndexLimits = defaultLimits) {
    this.setRoots(roots);
  }

  setRoots(roots: readonly string[]): void {
    this.roots = roots.map((r) => toSlashes(r).replace(/\/+$/, ''));
  }

  get fileCount(): number {
    return this.files.size;
  }

  has(path: string): boolean {
    return this.files.has(toSlashes(path));
  }

  /** Indexes (or re-indexes) one file. False when it is refused: too big, or the index is full. */
  update(path: string, text: string): boolean {
    const p = toSlashes(path);
    this.remove(p);
    this.generation++;
    if (text.length > this.limits.maxFileBytes || this.files.size >= this.limits.maxFiles) {
      this.truncated++;
      return false;
    }
    const language = languageOf(p);
    const isPromptFile = promptFile.test(p);
    let templates = language || isPromptFile ? templateLines(text, language !== undefined) : [];
    if (this.templateCount + templates.length > this.limits.maxTemplateLines) {
      templates = [];
      this.truncated++;
    }
    const entry: FileEntry = { path: p, definitions: language ? scanDefinitions(text, language) : [], templates, isPromptFile };
    this.files.set(p, entry);
    const base = posix.basename(p);
    let same = this.byBaseName.get(base);
    if (!same) this.byBaseName.set(base, (same = new Set()));
    same.add(p);
    for (const def of entry.definitions) push(this.definitions, def.key, { file: entry, def });
    for (const t of templates) push(this.anchors, t.anchor, { file: entry, t });
    this.templateCount += templates.length;
    return true;
  }

  remove(path: string): void {
    const p = toSlashes(path);
    const entry = this.files.get(p);
    if (!entry) return;
    this.generation++;
    this.files.delete(p);
    this.byBaseName.get(posix.basename(p))?.delete(p);
    for (const def of entry.definitions) pull(this.definitions, def.key, (x) => x.file === entry);
    for (const t of entry.templates) pull(this.anchors, t.anchor, (x) => x.file === entry);
    this.templateCount -= entry.templates.length;
  }

  /**
   * A path as an agent reported it, mapped onto a workspace file: absolute paths inside the workspace,
   * paths relative to a workspace folder, and paths from elsewhere (a container's /app/src/x.py, another
   * machine's checkout) by their longest unambiguous suffix.
   */
  resolvePath(reported: string): string | undefined {
    let p = toSlashes(reported);
    if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length)).replace(/^\/([A-Za-z]:\/)/, '$1');
    if (this.files.has(p)) return p;
    if (!isAbsolute(p)) {
      for (const root of this.roots) {
        const joined = posix.normalize(`${root}/${p}`);
        if (this.files.has(joined)) return joined;
      }
    }
    const segments = p.split('/').filter((s) => s && s !== '.');
    const candidates = this.byBaseName.get(segments[segments.length - 1] ?? '');
    if (!candidates?.size) return undefined;
    let best: string | undefined;
    let bestLength = 0;
    let tie = false;
    for (const c of candidates) {
      const n = commonSuffix(segments, c.split('/'));
      if (n > bestLength) [best, bestLength, tie] = [c, n, false];
      else if (n === bestLength) tie = true;
    }
    return tie ? undefined : best;
  }

  /**
   * The best definition of `name`, kinds in order of preference (earlier kinds rank higher). Equally good
   * ones in different files are a tie; `near` (folders where the rest of the run was found) settles it for
   * the one beside them: two example agents may each define a `convert` tool.
   */
  findDefinition(name: string, kinds: readonly DefinitionKind[], near?: ReadonlySet<string>): DefinitionHit | undefined {
    const hits = this.definitions.get(nameKey(name));
    if (!hits?.length) return undefined;
    const score = ({ file, def }: { file: FileEntry; def: Definition }) => {
      const rank = kinds.indexOf(def.kind);
      if (rank < 0) return -1;
      // Exact spelling first, then real code over tests and examples of the tests.
      return (kinds.length - rank) * 4 + (def.name === name ? 2 : 0) + (/(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.\w+$/.test(file.path) ? 0 : 1);
    };
    let best: { file: FileEntry; def: Definition } | undefined;
    let bestScore = -1;
    let ties = 0;
    for (const h of hits) {
      const s = score(h);
      if (s > bestScore) [best, bestScore, ties] = [h, s, 1];
      else if (s === bestScore && s >= 0) ties++;
    }
    if (!best || bestScore < 0) return undefined;
    if (ties > 1 && near?.size) {
      const beside = hits.filter((h) => score(h) === bestScore && near.has(folderOf(h.file.path)));
      if (beside.length > 0) [best, ties] = [beside[0]!, beside.length];
    }
    return { path: best.file.path, line: best.def.line, definition: best.def, ties };
  }

  /**
   * The template lines a recorded line matches, each once. Remembered per line while the index holds: a
   * conversation sends its earlier turns again in every call, and each line is looked up at every offset.
   */
  private templatesMatching(recorded: string): { file: FileEntry; t: TemplateLine }[] {
    if (this.matchedGeneration !== this.generation || this.matched.size >= maxMatchedLines) {
      this.matched.clear();
      this.matchedGeneration = this.generation;
    }
    let found = this.matched.get(recorded);
    if (found) return found;
    found = [];
    const seen = new Set<TemplateLine>();
    for (let at = 0; at + anchorLength <= recorded.length; at++) {
      const candidates = this.anchors.get(recorded.slice(at, at + anchorLength));
      if (!candidates) continue;
      for (const c of candidates) {
        if (seen.has(c.t) || !fragmentsMatch(c.t.fragments, recorded)) continue;
        seen.add(c.t);
        found.push(c);
      }
    }
    this.matched.set(recorded, found);
    return found;
  }

  /** The file whose template lines match most of the prompt's distinctive lines, at its first matching line. */
  matchPrompt(prompt: string): PromptHit | undefined {
    const lines = promptLines(prompt);
    if (!lines.length) return undefined;
    const perFile = new Map<FileEntry, { matched: Set<string>; line: number; longest: number }>();
    for (const recorded of lines) {
      for (const { file, t } of this.templatesMatching(recorded)) {
        let hit = perFile.get(file);
        if (!hit) perFile.set(file, (hit = { matched: new Set(), line: t.line, longest: 0 }));
        hit.matched.add(recorded);
        hit.line = Math.min(hit.line, t.line);
        hit.longest = Math.max(hit.longest, ...t.fragments.map((f) => f.length));
      }
    }
    let best: [FileEntry, { matched: Set<string>; line: number; longest: number }] | undefined;
    for (const entry of perFile) {
      if (!best || rankPrompt(entry) > rankPrompt(best)) best = entry;
    }
    if (!best) return undefined;
    const [file, hit] = best;
    // One short line in common is a coincidence, not a prompt.
    if (hit.matched.size < 2 && hit.longest < 24) return undefined;
    return { path: file.path, line: hit.line, matched: hit.matched.size, of: lines.length };
  }
}

function rankPrompt([file, hit]: [FileEntry, { matched: Set<string>; longest: number }]): number {
  return hit.matched.size * 2 + (file.isPromptFile ? 1 : 0);
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

function commonSuffix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, drop: (v: V) => boolean): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((v) => !drop(v));
  if (kept.length) map.set(key, kept);
  else map.delete(key);
}

/** The folder a file is in (either separator). */
export function folderOf(path: string): string {
  return path.replace(/[\\/][^\\/]*$/, '');
}
