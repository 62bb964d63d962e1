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

// Tauri expects a fixed dev port and no clearing of its output.
export default defineConfig({
  plugins: [vue(), mockImageServer()],
  clearScreen: false,
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  // `VITE_MOCK_IPC=1 vite`: the dev server's copy of the image worker lives under /src and still needs the
  // whole site as its scope.
  server: { port: 5173, strictPort: true, headers: mockIpc ? { 'Service-Worker-Allowed': '/' } : undefined },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
  },
})
