/**
 * The project's only source of randomness: a small seeded PRNG (mulberry32). Fault decisions,
 * jitter and byte damage draw from it, so the same seed and the same traffic replay the same
 * run (Toxiproxy's unseeded toxicity is the bug we avoid). Not for anything security related.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n) (0 when n <= 1). */
  int(n: number): number;
  /** The internal 32-bit state, so a run can be resumed with `createRandom(state)`. */
  state(): number;
}

/** Any finite number is a valid seed; it is folded into 32 bits (fractions are kept). */
export function createRandom(seed: number): Random {
  let s = seedToState(seed);
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(n: number): number {
      if (!(n > 1)) return 0;
      return Math.floor(next() * Math.floor(n));
    },
    state: () => s,
  };
}

function seedToState(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  if (Number.isInteger(seed) && Math.abs(seed) <= 0xffffffff) return seed >>> 0;
  // Large or fractional seeds: fold the float's bits so that 1.5 and 1 differ.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  return (view.getUint32(0) ^ view.getUint32(4)) >>> 0;
}
