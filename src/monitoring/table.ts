import type { TelemetryEvent } from '../domain/index.js';

/** Where an entry's contribution sits: the live window, the previous-window history, or nowhere. */
export type Region = 0 | 1 | 2;
/** In the live window [now − w, now]. */
export const LIVE: Region = 0;
/** An execution record of the previous window, kept for the comparison with it. */
export const HISTORY: Region = 1;
/** Replaced or released; a tombstone while a queue still holds the id. */
export const GONE: Region = 2;

/** 32-bit hash of an identity key (FNV-1a, then murmur3's finaliser so the low bits spread). */
export function keyHash(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const MIN_CAPACITY = 8;
// Shared by every empty table (never written: a table grows before its first store).
const NO_TIMES = new Float64Array(0);
const NO_REGIONS = new Uint8Array(0);
const NO_INTS = new Int32Array(0);

/**
 * One pipeline's held events in parallel arrays indexed by entry id, with an open-addressing key index
 * (linear probing, backward-shift deletion). Typed arrays instead of an object and a Map entry per event:
 * the garbage collector neither copies nor scans them, which is most of the engine's cost otherwise.
 * An id leaves the key index as soon as its state is replaced (`unindex`) but is reused only after
 * every queue has let go of it (`release`).
 */
export class EntryTable {
  events: (TelemetryEvent | undefined)[] = [];
  /** Event time by id. */
  times = NO_TIMES;
  /** Region by id. */
  regions = NO_REGIONS;
  // Key hash of a used id; for a free id, the next free id (−1 ends the list).
  private hashes = NO_INTS;
  private freeHead = -1;
  private nextId = 0;
  private inUse = 0;
  // Slot → id + 1 (0 = empty).
  private slots = NO_INTS;
  private indexed = 0;

  /** Ids not yet released. */
  get used(): number {
    return this.inUse;
  }

  /** The id holding `key`, or −1. */
  find(key: string, hash: number): number {
    const slots = this.slots;
    if (slots.length === 0) return -1;
    const mask = slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === 0) return -1;
      const id = s - 1;
      if (this.hashes[id] === hash && (this.events[id] as TelemetryEvent).key === key) return id;
    }
  }

  /** Stores an event under a fresh id and indexes its key (which must not be indexed already). */
  allocate(event: TelemetryEvent, hash: number, region: Region): number {
    let id = this.freeHead;
    if (id >= 0) this.freeHead = this.hashes[id];
    else {
      if (this.nextId === this.times.length) this.grow();
      id = this.nextId++;
    }
    this.inUse++;
    this.events[id] = event;
    this.times[id] = event.event_time;
    this.regions[id] = region;
    this.hashes[id] = hash;
    if (2 * (this.indexed + 1) > this.slots.length) this.rehash(Math.max(16, 2 * this.slots.length));
    this.insertSlot(id);
    return id;
  }

  /** Takes an id out of the key index, so its key can be stored again. */
  unindex(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.hashes[id] & mask;
    while (slots[i] !== id + 1) i = (i + 1) & mask;
    // Backward-shift deletion: pull later members of the probe run into the hole, so no tombstones.
    for (let j = (i + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[slots[j] - 1] & mask;
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i] = 0;
    this.indexed--;
  }

  /** Returns an id that no queue holds any more; the table empties itself when the last one goes. */
  release(id: number): void {
    this.events[id] = undefined;
    this.regions[id] = GONE;
    this.hashes[id] = this.freeHead;
    this.freeHead = id;
    if (--this.inUse === 0) this.reset();
  }

  private insertSlot(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.hashes[id] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
    this.indexed++;
  }

  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size);
    this.indexed = 0;
    for (const s of old) if (s !== 0) this.insertSlot(s - 1);
  }

  private grow(): void {
    const size = Math.max(MIN_CAPACITY, 2 * this.times.length);
    const times = new Float64Array(size);
    times.set(this.times);
    const regions = new Uint8Array(size);
    regions.set(this.regions);
    const hashes = new Int32Array(size);
    hashes.set(this.hashes);
    this.times = times;
    this.regions = regions;
    this.hashes = hashes;
    while (this.events.length < size) this.events.push(undefined);
  }

  // An idle pipeline keeps nothing but its name.
  private reset(): void {
    this.events = [];
    this.times = NO_TIMES;
    this.regions = NO_REGIONS;
    this.hashes = NO_INTS;
    this.slots = NO_INTS;
    this.freeHead = -1;
    this.nextId = 0;
    this.indexed = 0;
  }
}
