/**
 * Change-making with limited stock. Greedy is wrong here: with 20 c × 3 and 50 c × 1 in
 * stock, 60 c is 3 × 20 c, which greedy (50 c first, then stuck at 10 c) never finds. So this is
 * a bounded knapsack on the amount (denomination counts split in powers of two), minimising
 * the number of pieces; when the exact amount cannot be made, it pays the largest amount below
 * it, again with the fewest pieces.
 */

export interface StockEntry {
  /** Denomination value in cents. */
  value: number;
  /** Pieces available to pay out. */
  count: number;
}

export interface ChangePlan {
  /** Values of the pieces to pay, largest first. */
  pieces: number[];
  total: number;
}

/** Above this, the part of the amount beyond it is paid greedily with the largest pieces (keeps memory bounded). */
const DP_LIMIT = 200_000;

export function planChange(amount: number, stock: readonly StockEntry[]): ChangePlan {
  if (!Number.isSafeInteger(amount) || amount <= 0) return { pieces: [], total: 0 };
  const entries = stock.filter((s) => s.count > 0 && s.value > 0).map((s) => ({ ...s })).sort((a, b) => b.value - a.value);
  const available = entries.reduce((sum, s) => sum + s.value * s.count, 0);
  if (available <= amount) {
    const pieces = entries.flatMap((s) => Array<number>(s.count).fill(s.value));
    return { pieces, total: available };
  }
  const pieces: number[] = [];
  let target = amount;
  if (target > DP_LIMIT) {
    for (const s of entries) {
      while (s.count > 0 && target - s.value >= DP_LIMIT) {
        pieces.push(s.value);
        s.count--;
        target -= s.value;
      }
    }
  }
  const exact = boundedMinPieces(target, entries);
  pieces.push(...exact.pieces);
  pieces.sort((a, b) => b - a);
  return { pieces, total: amount - target + exact.total };
}

function boundedMinPieces(target: number, entries: readonly StockEntry[]): ChangePlan {
  interface Item {
    value: number;
    weight: number;
    pieces: number;
  }
  const items: Item[] = [];
  for (const s of entries) {
    let left = Math.min(s.count, Math.floor(target / s.value));
    for (let k = 1; left > 0; k *= 2) {
      const take = Math.min(k, left);
      items.push({ value: s.value, weight: s.value * take, pieces: take });
      left -= take;
    }
  }
  const INF = 0x3fffffff;
  const dp = new Int32Array(target + 1).fill(INF);
  dp[0] = 0;
  const taken = items.map(() => new Uint8Array(target + 1));
  items.forEach((item, i) => {
    const flags = taken[i] as Uint8Array;
    for (let a = target; a >= item.weight; a--) {
      const before = dp[a - item.weight] as number;
      if (before === INF) continue;
      const candidate = before + item.pieces;
      if (candidate < (dp[a] as number)) {
        dp[a] = candidate;
        flags[a] = 1;
      }
    }
  });
  let best = target;
  while (best > 0 && dp[best] === INF) best--;
  const pieces: number[] = [];
  let a = best;
  for (let i = items.length - 1; i >= 0 && a > 0; i--) {
    if ((taken[i] as Uint8Array)[a]) {
      const item = items[i] as Item;
      for (let k = 0; k < item.pieces; k++) pieces.push(item.value);
      a -= item.weight;
    }
  }
  return { pieces, total: best };
}

/**
 * What a customer with an unlimited wallet inserts to cover `amount`: the combination of the
 * given denominations with the smallest total ≥ amount, then the fewest pieces
 * (the "auto" customer of docs/simulator.md).
 */
export function coveringCombination(amount: number, denominations: readonly number[]): number[] {
  const values = [...new Set(denominations.filter((v) => Number.isSafeInteger(v) && v > 0))].sort((a, b) => b - a);
  if (amount <= 0 || values.length === 0) return [];
  const largest = values[0] as number;
  // Anything ≥ amount + largest could drop its largest piece and still cover, so the best total lies below.
  const limit = amount + largest;
  const INF = 0x3fffffff;
  const dp = new Int32Array(limit + 1).fill(INF);
  const last = new Int32Array(limit + 1);
  dp[0] = 0;
  for (let a = 1; a <= limit; a++) {
    for (const v of values) {
      if (v > a) continue;
      const candidate = (dp[a - v] as number) + 1;
      if (candidate < (dp[a] as number)) {
        dp[a] = candidate;
        last[a] = v;
      }
    }
  }
  let total = amount;
  while (total <= limit && dp[total] === INF) total++;
  if (total > limit) return [];
  const pieces: number[] = [];
  for (let a = total; a > 0; a -= last[a] as number) pieces.push(last[a] as number);
  return pieces.sort((a, b) => b - a);
}
