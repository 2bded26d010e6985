import { constants } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverJournal } from './recover.js';
import { JournalWriter } from './writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Open flags (from /proc) of every descriptor this process holds on a segment of `dir`, by file name. */
async function segmentFlags(): Promise<Map<string, number>> {
  const flags = new Map<string, number>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (!target.startsWith(dir) || !target.endsWith('.wal')) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
    const octal = /^flags:\s+([0-7]+)/m.exec(info)?.[1];
    if (octal !== undefined) flags.set(target.slice(dir.length + 1), parseInt(octal, 8));
  }
  return flags;
}

describe.runIf(process.platform === 'linux')('JournalWriter', () => {
  it('opens the first segment and every rotated one for synchronous data writes (O_DSYNC)', async () => {
    const synced = (flags: number) => (flags & constants.O_DSYNC) === constants.O_DSYNC;
    const line = (n: number) => `{"n":${n},"pad":"${'x'.repeat(40)}"}`;
    const writer = await JournalWriter.open({ dir, nextSeq: 1, segments: [], segmentBytes: 64 });
    const first = await segmentFlags();
    expect([...first.keys()]).toEqual(['0000000000000001.wal']);
    await writer.write([line(1), line(2)]);
    await writer.write([line(3)]); // the first segment is past 64 bytes: this group starts a new one
    const rotated = await segmentFlags();
    expect([...rotated.keys()]).toEqual(['0000000000000003.wal']);
    for (const flags of [...first.values(), ...rotated.values()]) {
      expect(synced(flags)).toBe(true);
      expect(flags & constants.O_APPEND).toBe(constants.O_APPEND);
    }
    await writer.close();
    const recovered = await recoverJournal(dir, 0);
    expect(recovered.groups.map((g) => g.lines)).toEqual([[line(1), line(2)], [line(3)]]);
  });
});
