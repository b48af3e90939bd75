/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Dev server only: a serve-mode backend URL with its token (see vite.config.ts). */
  readonly VITE_DOCKPULSE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
