// The workspace index without an editor (CLI, tests): every indexable file under a folder, skipping
// the folders that never hold the code behind a step.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isIndexable, skippedFolders, type SourceIndex } from './sourceIndex';

export function indexFolder(index: SourceIndex, folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!skippedFolders.includes(entry.name)) indexFolder(index, full);
    } else if (entry.isFile() && isIndexable(full) && statSync(full).size <= index.limits.maxFileBytes) {
      index.update(full, readFileSync(full, 'utf8'));
    }
  }
}
