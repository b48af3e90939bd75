// Reconnect delays: capped exponential backoff with jitter.

export interface BackoffOptions {
  /** Delay before the first retry; default 250 ms. */
  baseMs?: number
  /** Cap; default 5000 ms. */
  maxMs?: number
  /** Fraction of the delay that is random, 0..1; default 0.5 (delay in [d/2, d]). */
  jitter?: number
}

/**
 * Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped at
 * maxMs, then reduced by up to `jitter` of itself so that many clients
 * reconnecting to a restarted backend spread out. Never exceeds maxMs.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? 250
  const maxMs = options.maxMs ?? 5000
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5))
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  const r = Math.min(1, Math.max(0, random()))
  return Math.round(exp * (1 - jitter * r))
}
