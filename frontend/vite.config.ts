/// <reference types="vitest/config" />
import { defineConfig, loadEnv, type ProxyOptions } from 'vite'
import react from '@vitejs/plugin-react'

// Under `npm run dev`, VITE_DOCKPULSE_URL may name a running Dockpulse backend in
// serve mode, as it prints it (http://127.0.0.1:PORT/?code=CODE). The dev server
// then proxies /api and /ws to it, so the page stays same-origin: no CORS, and
// the backend's WebSocket origin check sees its own origin. The page reads the
// code (or a token) from the same variable (src/live/backend.ts) and trades
// the code once; a reload of the tab then uses the token it keeps.
function devProxy(target: string | undefined): Record<string, ProxyOptions> | undefined {
  if (!target) return undefined
  const origin = new URL(target).origin
  const common: ProxyOptions = {
    target: origin,
    changeOrigin: true,
    // changeOrigin rewrites Host only; the WebSocket handshake also carries
    // Origin, which the backend checks against its own host.
    headers: { origin },
  }
  return {
    '/api': common,
    '/ws': { ...common, ws: true },
  }
}

const FRAME_PROBE_MODE = 'frameprobe'

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  return {
    plugins: [react()],
    // Relative asset URLs work both in the Wails webview and when the Go
    // backend serves dist/ over HTTP.
    base: './',
    // The desktop benchmark's frame probe (src/probe): only `vite build
    // --mode frameprobe` compiles it in, into dist-frameprobe, which only a
    // Go build with the tag frameprobe embeds (frontend/embed_frameprobe.go).
    define: { __FRAME_PROBE__: JSON.stringify(mode === FRAME_PROBE_MODE) },
    build: {
      outDir: mode === FRAME_PROBE_MODE ? 'dist-frameprobe' : 'dist',
      emptyOutDir: true,
    },
    server: {
      proxy: devProxy(env.VITE_DOCKPULSE_URL),
    },
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      restoreMocks: true,
      setupFiles: ['src/test-setup.ts'],
    },
  }
})
