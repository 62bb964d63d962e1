import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { makeI18n } from './i18n'
import './style.css'

async function start() {
  // The test-only build replaces Tauri's IPC with an in-page fake; the shipped bundle never has it.
  if (import.meta.env.VITE_MOCK_IPC) {
    const { installMockIpc } = await import('./mocks/ipc')
    await installMockIpc()
  }
  createApp(App).use(createPinia()).use(router).use(makeI18n()).mount('#app')
}

void start()
