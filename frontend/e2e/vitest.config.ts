import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The end-to-end suite: headless Chromium (Debian's, driven by playwright-core)
// against a real `dockpulse serve` and a real (private) Docker engine. See
// harness.ts for what it needs and starts.
const BENCH = process.env.DOCKPULSE_E2E_BENCH

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // Every suite but the benchmarks, which run alone: DOCKPULSE_E2E_BENCH=1
    // the dashboard's (make bench-ui), =logs its logs view's (make bench-ui-logs).
    include: BENCH ? [BENCH === 'logs' ? 'logsbench.e2e.ts' : 'bench.e2e.ts'] : ['*.e2e.ts'],
    exclude: BENCH ? [] : ['bench.e2e.ts', 'logsbench.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['verbose'],
  },
})
