import type { Instrument } from '../src/domain/instrument.ts';
import { openStore } from '../src/server/data/open.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { rebuildPeerStats } from '../src/server/services/peer-stats.ts';
import { openRaw } from './raw-sql.ts';

/** The kept peer statistics as comparable values: one entry per row, its arrays decoded (SQLite keeps them as blobs). */
export async function statsSnapshot(database: string): Promise<Map<string, number[]>> {
  const db = await openRaw(database, { readonly: true });
  const out = new Map<string, number[]>();
  const ints = (v: Buffer | number[]) => (Array.isArray(v) ? v.map(Number) : Array.from({ length: v.length / 4 }, (_, i) => v.readInt32LE(i * 4)));
  const doubles = (v: Buffer | number[]) => (Array.isArray(v) ? v.map(Number) : Array.from({ length: v.length / 8 }, (_, i) => v.readDoubleLE(i * 8)));
  try {
    for (const r of await db.all<{ dimension: string; key: string; measure: string; point: number; n: number; hundredths: Buffer | number[] }>('SELECT dimension, key, measure, point, n, hundredths FROM peer_score_counts'))
      out.set(`score ${r.dimension}/${r.key}/${r.measure}/${r.point}`, [Number(r.n), ...ints(r.hundredths)]);
    for (const r of await db.all<{ dimension: string; key: string; item_id: string; n: Buffer | number[]; total: Buffer | number[] }>('SELECT dimension, key, item_id, n, total FROM peer_item_sums')) {
      out.set(`item n ${r.dimension}/${r.key}/${r.item_id}`, ints(r.n));
      out.set(`item total ${r.dimension}/${r.key}/${r.item_id}`, doubles(r.total));
    }
  } finally {
    await db.close();
  }
  return out;
}

/**
 * Whether the statistics the servers kept equal a rebuild from the scores:
 * read as they were left, rebuilt (services/peer-stats.ts rebuildPeerStats)
 * and read again. Sums of item scores may differ in the last bits (added in
 * another order), so they are compared to 1e-9 of their size.
 */
export async function statsEqualRebuild(database: string, instrument: Instrument): Promise<{ equal: boolean; rows: number; different: number; differences: string[] }> {
  // Read before opening a store: opening checks the statistics against the scores and would rebuild them itself.
  const kept = await statsSnapshot(database);
  const store = await openStore(database);
  try {
    await rebuildPeerStats(store, instrument);
  } finally {
    await closeStore(store);
  }
  const rebuilt = await statsSnapshot(database);
  const differences: string[] = [];
  let different = 0;
  for (const key of new Set([...kept.keys(), ...rebuilt.keys()])) {
    const a = kept.get(key);
    const b = rebuilt.get(key);
    const same = a && b && a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 1e-9 * Math.max(1, Math.abs(x)));
    if (same) continue;
    different++;
    if (differences.length < 5) differences.push(`${key}: kept ${a ? `[${a.slice(0, 8).join(',')}…]` : 'no row'}, rebuilt ${b ? `[${b.slice(0, 8).join(',')}…]` : 'no row'}`);
  }
  return { equal: different === 0, rows: kept.size, different, differences };
}
