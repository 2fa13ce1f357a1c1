// Writing a file so that a crash or a full disk never leaves a half-written export behind: write a
// temp file in the same directory (same filesystem, so rename is atomic), fsync it, rename it over.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicStream(file, (write) => write(data));
}

/**
 * The same, for content made piece by piece: `produce` calls `write` as often as it likes (each piece is
 * written before the next is made), so a file of any size is written holding one piece in memory.
 */
export async function writeFileAtomicStream(file: string, produce: (write: (piece: string | Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    try {
      // writeFile on a handle writes all of the piece at the current position (write() may write part).
      await produce((piece) => handle.writeFile(piece));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Not possible on Windows (directories cannot be opened): skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the data itself is already synced.
  }
}
