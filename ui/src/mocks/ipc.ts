// In-page stand-in for the Rust side, used only by the browser-test build (VITE_MOCK_IPC=1).
import { mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import type { AppInfo } from '@/bindings'
import type { ImageQuery, JobEvent } from '@/api'
import * as mock from './backend'
import { mockImageUrl } from './images'

export const MOCK_APP_INFO: AppInfo = {
  version: '0.0.0-mock',
  profileId: 'local',
  libraryDir: '/mock/profiles/local',
  jobCount: 36,
}

type Args = Record<string, unknown>

export function installMockIpc() {
  // `?empty` in the URL starts with an empty library (first-run screens).
  const state = location.search.includes('empty')
    ? { ...mock.seedState(), jobs: [], images: [] }
    : mock.seedState()
  const send = (e: JobEvent) => { void emit('job-progress', e) }
  const handlers: Record<string, (a: Args) => unknown> = {
    app_info: () => ({ ...MOCK_APP_INFO, jobCount: state.jobs.length }),
    get_settings: () => state.settings,
    update_settings: (a) => { state.settings = a.settings as typeof state.settings; return state.settings },
    api_key_status: () => state.key,
    set_api_key: (a) => {
      const key = String(a.key).trim()
      if (!key) throw { kind: 'invalid_input', message: 'the API key is empty' }
      state.key = { configured: true, masked: `••••••••${key.slice(-4)}`, source: 'keychain', provider: 'nanobanana', keychainError: null }
      return state.key
    },
    clear_api_key: () => { state.key = { configured: false, masked: null, source: null, provider: 'demo', keychainError: null }; return state.key },
    list_images: (a) => {
      const q = a.query as ImageQuery
      return mock.page(state.images.filter((i) => mock.matchesImage(i, q)), q.cursor, q.limit)
    },
    get_image: (a) => found(state.images.find((i) => i.id === a.id)),
    list_jobs: (a) => mock.listJobs(state, a.query as never),
    get_job: (a) => found(state.jobs.find((j) => j.id === a.id)),
    library_stats: () => mock.stats(state),
    set_favourite: (a) => { const i = found(state.images.find((x) => x.id === a.id)); i.favourite = Boolean(a.favourite); return i },
    set_rating: (a) => { const i = found(state.images.find((x) => x.id === a.id)); i.rating = Number(a.rating); return i },
    trash_images: (a) => setDeleted(a.ids as string[], mock.MOCK_NOW),
    restore_images: (a) => setDeleted(a.ids as string[], null),
    empty_trash: () => { const before = state.images.length; state.images = state.images.filter((i) => i.deletedAt == null); return before - state.images.length },
    export_images: (a) => (a.ids as string[]).length,
    check_library: () => ({ imagesChecked: state.images.length, missingOriginals: [], missingThumbnails: [], orphanFiles: [], repaired: false, rowsRemoved: 0, filesRemoved: 0, thumbnailsRegenerated: 0 }),
    save_image_as: () => null,
    copy_image: () => null,
    open_image: () => null,
    reveal_in_folder: () => null,
    read_image_metadata: (a) => ((a.bytes as number[]).length > 8 ? mock.MOCK_METADATA : null),
    generate: (a) => mock.startGeneration(state, a.request as never, (a.options ?? {}) as never, send),
    cancel_job: (a) => {
      const j = found(state.jobs.find((x) => x.id === a.id))
      j.status = 'CANCELLED'; j.errorKind = 'cancelled'; j.errorMessage = 'Cancelled here; the service may still finish the task and charge for it.'
      send({ jobId: j.id, at: mock.MOCK_NOW, stage: { kind: 'cancelled', message: j.errorMessage } })
      return j
    },
    retry_job: (a) => {
      const old = found(state.jobs.find((x) => x.id === a.id))
      const [j] = mock.startGeneration(state, { prompt: old.prompt }, {}, send)
      j.parentJobId = old.id
      return j
    },
    credits: () => ({ provider: state.key.provider, balance: state.key.configured ? 42.5 : null }),
    // Plugins the UI calls through the api layer.
    'plugin:dialog|save': (a) => `/mock/exports/${(a.options as { defaultPath?: string })?.defaultPath ?? 'export.zip'}`,
    'plugin:opener|open_path': () => null,
    'plugin:opener|reveal_item_in_dir': () => null,
    'plugin:clipboard-manager|write_text': () => null,
    'plugin:notification|is_permission_granted': () => true,
    'plugin:notification|notify': () => null,
  }
  function found<T>(x: T | undefined): T {
    if (x === undefined) throw { kind: 'not_found', message: 'not found' }
    return x
  }
  function setDeleted(ids: string[], at: number | null) {
    let n = 0
    for (const i of state.images) if (ids.includes(i.id)) { i.deletedAt = at; n++ }
    return n
  }
  mockIPC((cmd, args) => {
    const handler = handlers[cmd]
    if (!handler) throw new Error(`mock IPC: unhandled command ${cmd}`)
    return handler((args ?? {}) as Args)
  }, { shouldMockEvents: true })
  // Library files become generated pictures (there is no asset protocol in a plain browser).
  const internals = (window as unknown as { __TAURI_INTERNALS__: { convertFileSrc: (p: string) => string } }).__TAURI_INTERNALS__
  internals.convertFileSrc = mockImageUrl
  ;(window as unknown as { __NANOFORGE_MOCK__: unknown }).__NANOFORGE_MOCK__ = state
}
