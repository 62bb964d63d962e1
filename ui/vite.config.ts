import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const mockIpc = !!process.env.VITE_MOCK_IPC

// The browser-test build serves library images from a service worker at the site root (its scope must
// cover the page); the shipped build has none.
function mockImageServer(): Plugin {
  return {
    name: 'nanoforge-mock-image-server',
    apply: 'build',
    buildStart() {
      if (mockIpc) {
        this.emitFile({ type: 'chunk', id: fileURLToPath(new URL('./src/mocks/nf-sw.ts', import.meta.url)), fileName: 'nf-sw.js' })
      }
    },
  }
}

// `tauri android dev` / `tauri ios dev` on a device set TAURI_DEV_HOST: the phone loads the dev server
// (and its hot-reload socket) over the network from that address.
const devHost = process.env.TAURI_DEV_HOST

// Tauri expects a fixed dev port and no clearing of its output.
export default defineConfig({
  plugins: [vue(), mockImageServer()],
  clearScreen: false,
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 5173,
    strictPort: true,
    host: devHost || false,
    hmr: devHost ? { protocol: 'ws', host: devHost, port: 5174 } : undefined,
    headers: mockIpc ? { 'Service-Worker-Allowed': '/' } : undefined,
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
  },
})
