import { createHash } from 'node:crypto';

// The name-based (version 5) namespace of the rows this service writes to FlexiRoaster's tables.
const NAMESPACE = Buffer.from('5b0c3f6e8a2d4e1f9c7b3a6d2e8f1c4a', 'hex');

/** A UUID (RFC 4122 version 5) derived from `key`: the same key always names the same row. */
export function uuidFromKey(key: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(key, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID in its text form (other ids cannot be keys of the FlexiRoaster tables). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
