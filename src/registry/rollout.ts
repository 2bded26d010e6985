import type { ModelStatus } from '../ports/index.js';

// Forward through the rollout, or back out to retired; a retired version may come back as shadow.
const NEXT: Readonly<Record<ModelStatus, readonly ModelStatus[]>> = {
  shadow: ['canary', 'full', 'retired'],
  canary: ['full', 'shadow', 'retired'],
  full: ['retired'],
  retired: ['shadow', 'full'],
};

/** Whether a version may move from one rollout status to another. */
export function canTransition(from: ModelStatus, to: ModelStatus): boolean {
  return NEXT[from].includes(to);
}

/** A version name: kind, creation time (UTC, to the second) and a short hash of the artifact. */
export function versionName(kind: string, createdAt: number, artifactHash: string): string {
  const stamp = new Date(createdAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${artifactHash.slice(0, 6)}`;
}
