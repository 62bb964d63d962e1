// In-page stand-in for the Rust side, used only by the browser-test build (VITE_MOCK_IPC=1).
import { mockIPC } from '@tauri-apps/api/mocks'
import type { AppInfo } from '@/bindings'

export const MOCK_APP_INFO: AppInfo = {
  version: '0.0.0-mock',
  profileId: 'local',
  libraryDir: '/mock/profiles/local',
  jobCount: 3,
}

export function installMockIpc() {
  mockIPC((cmd) => {
    switch (cmd) {
      case 'app_info':
        return MOCK_APP_INFO
      default:
        throw new Error(`mock IPC: unhandled command ${cmd}`)
    }
  })
}
