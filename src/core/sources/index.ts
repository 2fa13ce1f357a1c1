// Source-link resolution that needs no editor (architecture.md, core/sources).
export { nameKey } from './names';
export { parseStackFrames, isLibraryPath, type StackFrame } from './stackFrames';
export { scanDefinitions, languageOf, type Definition, type DefinitionKind } from './definitions';
export { SourceIndex, defaultLimits, skippedFolders, isIndexable, toSlashes, type SourceIndexLimits } from './sourceIndex';
export { resolveStep, annotateSources, withResolution, stackTracesOf, ResolutionCache, type Resolution } from './resolveStep';
export { stepStatsByLocation, formatLocationStats, type LocationStats, type LocationStatsDto } from './locationStats';
export { SourceMirror, type Run } from './sourceMirror';
export { indexFolder } from './indexFolder';
