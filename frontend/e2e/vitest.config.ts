import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The end-to-end suite: headless Chromium (Debian's, driven by playwright-core)
// against a real `dockpulse serve` and a real (private) Docker engine. See
// harness.ts for what it needs and starts.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: process.env.DOCKPULSE_E2E_BENCH ? ['bench.e2e.ts'] : ['live.e2e.ts', 'bootstrap.e2e.ts', 'states.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['verbose'],
  },
})
