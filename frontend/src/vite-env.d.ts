/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Dev server only: a serve-mode backend URL with its token (see vite.config.ts). */
  readonly VITE_DOCKPULSE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

/**
 * True only in `vite build --mode frameprobe` (vite.config.ts): the frame
 * probe of the desktop benchmark is compiled in.
 */
declare const __FRAME_PROBE__: boolean
