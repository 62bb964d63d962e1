import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// `tauri android dev` / `tauri ios dev` on a device set TAURI_DEV_HOST: the phone loads the dev server
// (and its hot-reload socket) over the network from that address.
const devHost = process.env.TAURI_DEV_HOST

// Tauri expects a fixed dev port and no clearing of its output.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 5173,
    strictPort: true,
    host: devHost || false,
    hmr: devHost ? { protocol: 'ws', host: devHost, port: 5174 } : undefined,
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
  },
})
