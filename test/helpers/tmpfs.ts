// A small tmpfs for tests of a full disk: a real file system that really runs out of space.
// Mounting needs root (CAP_SYS_ADMIN); where it is not permitted the tests that need one skip and
// say why.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { open, readdir, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Why a tmpfs cannot be mounted here, or undefined when it can (checked once, with a real mount). */
export const tmpfsUnavailable: string | undefined = (() => {
  const dir = mkdtempSync(join(tmpdir(), "imi-tmpfs-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "pipe" });
    execFileSync("umount", [dir], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `mounting a tmpfs is not permitted here (${stderr || (error as Error).message}); run as root to test a full disk`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

export type Tmpfs = {
  path: string;
  /** Writes a filler file until the file system is full (ENOSPC); returns its size in bytes. */
  fill(): Promise<number>;
  /** Deletes the filler: space returns. */
  free(): Promise<void>;
  unmount(): Promise<void>;
};

/** Mounts a tmpfs of `sizeMb` on a new temp directory. */
export function mountTmpfs(sizeMb: number): Tmpfs {
  const path = mkdtempSync(join(tmpdir(), "imi-full-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0700`, "tmpfs", path], { stdio: "pipe" });
  const fillers: string[] = [];
  return {
    path,
    async fill() {
      const file = join(path, `filler-${fillers.length}`);
      fillers.push(file);
      const handle = await open(file, "w");
      let written = 0;
      try {
        const chunk = Buffer.alloc(256 * 1024, 0xaa);
        for (;;) {
          try {
            written += (await handle.write(chunk)).bytesWritten;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
            throw error;
          }
        }
        // The last partial pages too: whatever is left is smaller than a chunk.
        for (const size of [65_536, 4_096, 512, 1]) {
          for (;;) {
            try {
              const n = (await handle.write(Buffer.alloc(size, 0xaa))).bytesWritten;
              written += n;
              if (n < size) break;
            } catch {
              break;
            }
          }
        }
      } finally {
        await handle.close();
      }
      return written;
    },
    async free() {
      for (const file of fillers.splice(0)) await unlink(file).catch(() => undefined);
    },
    async unmount() {
      // A process that still holds a file open keeps the mount busy; a lazy unmount detaches it now.
      try {
        execFileSync("umount", [path], { stdio: "pipe" });
      } catch {
        execFileSync("umount", ["-l", path], { stdio: "pipe" });
      }
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Files under `dir`, for messages. */
export async function listing(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }) as Promise<string[]>;
}
