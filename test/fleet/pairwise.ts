/**
 * A pairwise covering set: rows of factor values such that every pair of values of every two
 * factors appears together in at least one row. Greedy (AETG-like, deterministic): each new
 * row is the candidate, one seeded with each uncovered pair, covering the most pairs not yet covered.
 */
export type Factors = Readonly<Record<string, readonly (string | number)[]>>;
export type Row<F extends Factors> = { [K in keyof F]: F[K][number] };

const pairKey = (a: string, va: unknown, b: string, vb: unknown) => `${a}=${String(va)}|${b}=${String(vb)}`;

export function allPairs(factors: Factors): Set<string> {
  const keys = Object.keys(factors);
  const pairs = new Set<string>();
  keys.forEach((a, i) => {
    for (const b of keys.slice(i + 1)) {
      for (const va of factors[a] ?? []) for (const vb of factors[b] ?? []) pairs.add(pairKey(a, va, b, vb));
    }
  });
  return pairs;
}

export function pairsOf(row: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(row);
  return keys.flatMap((a, i) => keys.slice(i + 1).map((b) => pairKey(a, row[a], b, row[b])));
}

export function pairwise<F extends Factors>(factors: F): Row<F>[] {
  const uncovered = allPairs(factors);
  const rows: Row<F>[] = [];
  while (uncovered.size > 0) {
    // One candidate row per uncovered pair (seeded with it); keep the one covering the most.
    let best: Record<string, unknown> | undefined;
    let bestGain = -1;
    for (const seed of uncovered) {
      const candidate = completeRow(factors, seed, uncovered);
      const gain = pairsOf(candidate).filter((p) => uncovered.has(p)).length;
      if (gain > bestGain) {
        best = candidate;
        bestGain = gain;
      }
    }
    for (const p of pairsOf(best as Record<string, unknown>)) uncovered.delete(p);
    rows.push(best as Row<F>);
  }
  return rows;
}

/** A row holding the seed pair, every other factor set to the value covering most new pairs so far. */
function completeRow(factors: Factors, seedPair: string, uncovered: ReadonlySet<string>): Record<string, unknown> {
  const keys = Object.keys(factors);
  const seed = Object.fromEntries(seedPair.split('|').map((kv) => kv.split('='))) as Record<string, string>;
  const row: Record<string, unknown> = {};
  for (const key of keys) {
    const values = factors[key] ?? [];
    const seeded = values.find((v) => seed[key] !== undefined && String(v) === seed[key]);
    if (seeded !== undefined) {
      row[key] = seeded;
      continue;
    }
    let best = values[0];
    let bestGain = -1;
    for (const v of values) {
      const gain = Object.keys(row).filter((k) => uncovered.has(pairKey(...order(keys, k, row[k], key, v)))).length;
      if (gain > bestGain) {
        best = v;
        bestGain = gain;
      }
    }
    row[key] = best;
  }
  return row;
}

function order(keys: string[], a: string, va: unknown, b: string, vb: unknown): [string, unknown, string, unknown] {
  return keys.indexOf(a) < keys.indexOf(b) ? [a, va, b, vb] : [b, vb, a, va];
}
