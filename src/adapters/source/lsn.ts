/** Postgres WAL positions (`16/B374D848`) as comparable numbers and back. */
export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** The text form of a WAL position. */
export function bigIntToLsn(v: bigint): string {
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * What to pass to pg-logical-replication's `acknowledge()` so that the server confirms exactly
 * `commitEnd` (null for `0/0`: nothing to confirm). The library sends its argument + 1 (it takes
 * the last byte received), but a commit's end LSN already points one past its record. Confirming
 * end + 1 makes a restart skip the next transaction when its commit record starts right at that
 * end (two commits with nothing written between them): the server starts decoding at the confirmed
 * position and drops transactions whose commit record lies before it.
 */
export function acknowledgeArgument(commitEnd: string): string | null {
  const v = lsnToBigInt(commitEnd);
  return v === 0n ? null : bigIntToLsn(v - 1n);
}
