import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeGroup } from './format.js';
import { recoverJournal } from './recover.js';
import { listSegments, segmentPath } from './segments.js';
import { JournalWriter } from './writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `{"n":${from + i}}`);

describe('recoverJournal', () => {
  it('returns the events after the checkpoint, splitting a group the checkpoint falls in', async () => {
    const writer = await JournalWriter.open({ dir, nextSeq: 1, segments: [] });
    await writer.write(lines(1, 3)); // 1..3
    await writer.write(lines(4, 4)); // 4..7
    await writer.close();
    const recovered = await recoverJournal(dir, 5);
    expect(recovered.lastSeq).toBe(7);
    expect(recovered.events).toBe(2);
    expect(recovered.groups).toEqual([{ firstSeq: 6, lines: lines(6, 2) }]);
    expect(recovered.cuts).toEqual([]);
  });

  it('cuts a torn tail off the file and keeps every whole group before it', async () => {
    const writer = await JournalWriter.open({ dir, nextSeq: 1, segments: [] });
    await writer.write(lines(1, 2));
    await writer.write(lines(3, 2));
    await writer.close();
    const path = segmentPath(dir, 1);
    const whole = (await stat(path)).size;
    await truncate(path, whole - 3);
    const recovered = await recoverJournal(dir, 0);
    expect(recovered.groups).toEqual([{ firstSeq: 1, lines: lines(1, 2) }]);
    expect(recovered.cuts).toEqual([
      {
        path,
        keptBytes: encodeGroup(1, lines(1, 2)).length,
        cutBytes: whole - 3 - encodeGroup(1, lines(1, 2)).length,
      },
    ]);
    expect((await stat(path)).size).toBe(encodeGroup(1, lines(1, 2)).length);
    // A second recovery finds a clean file.
    expect((await recoverJournal(dir, 0)).cuts).toEqual([]);
  });

  it('reads on past a damaged segment into the next one', async () => {
    await writeFile(
      segmentPath(dir, 1),
      Buffer.concat([encodeGroup(1, lines(1, 2)), Buffer.from('garbage')]),
    );
    await writeFile(segmentPath(dir, 3), encodeGroup(3, lines(3, 1)));
    const recovered = await recoverJournal(dir, 0);
    expect(recovered.events).toBe(3);
    expect(recovered.lastSeq).toBe(3);
    expect(recovered.cuts).toHaveLength(1);
  });

  it('rotates segments and deletes those fully flushed', async () => {
    const writer = await JournalWriter.open({ dir, nextSeq: 1, segments: [], segmentBytes: 10 });
    await writer.write(lines(1, 2)); // segment 1
    await writer.write(lines(3, 2)); // rotates: segment 3
    await writer.write(lines(5, 2)); // rotates: segment 5
    expect((await listSegments(dir)).map((s) => s.firstSeq)).toEqual([1, 3, 5]);
    await writer.deleteFlushed(4);
    expect((await listSegments(dir)).map((s) => s.firstSeq)).toEqual([5]);
    await writer.close();
    const recovered = await recoverJournal(dir, 4);
    expect(recovered.groups).toEqual([{ firstSeq: 5, lines: lines(5, 2) }]);
    expect(await readFile(segmentPath(dir, 5))).toEqual(encodeGroup(5, lines(5, 2)));
  });
});
