import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { makeI18n } from './i18n'
import './style.css'
import { markStage } from './lib/warmup'

async function start() {
  markStage('script')
  // The test-only build replaces Tauri's IPC with an in-page fake; the shipped bundle never has it.
  if (import.meta.env.VITE_MOCK_IPC) {
    const { installMockIpc } = await import('./mocks/ipc')
    await installMockIpc()
  }
  createApp(App).use(createPinia()).use(router).use(makeI18n()).mount('#app')
  markStage('mounted')
}

void start()
