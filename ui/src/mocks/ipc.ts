// In-page stand-in for the Rust side, used only by the browser-test build (VITE_MOCK_IPC=1). Each profile
// of the mock device has its own library (mocks/accounts.ts); every library command works on the open one.
// `window.__NANOFORGE_MOCK__` is the open profile's library (assigned again on every switch). `?synced`
// starts the local library with sync set up, other devices and their jobs (see ./sync.ts).
import { mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import type { ApiKeyStatus, AppInfo, ImageQuery, JobEvent, ProfileSummary, SecretPurpose, Settings, SyncEvent, SyncSettings } from '@/api'
import * as mock from './backend'
import { createAccounts } from './accounts'
import { MOCK_CATALOG } from './catalog'
import { addInput, pickInputs, recoverJob, refuse, rerunJob, startGeneration } from './generation'
import * as sync from './sync'
import type { ImageQuestion } from './nf-sw'

export const MOCK_DATA_DIR = '/mock/nanoforge'

type Args = Record<string, unknown>

export async function installMockIpc() {
  // `?empty` in the URL starts with an empty local library (first-run screens).
  const local = location.search.includes('empty') ? mock.emptyState() : mock.seedState()
  if (location.search.includes('synced')) sync.withPeers(local.sync, local.jobs, mock.MOCK_NOW, (i, over) => mock.job(i, over))
  const publish = (library: mock.MockState) => {
    (window as unknown as { __NANOFORGE_MOCK__: mock.MockState }).__NANOFORGE_MOCK__ = library
  }
  const accounts = createAccounts(local, (summary: ProfileSummary) => {
    publish(accounts.current().library)
    void emit('profile-changed', summary)
  })
  const lib = () => accounts.current().library
  const profileId = () => accounts.current().summary.id
  // Events name the profile that started the job, even after another one opened.
  const sender = (id: string) => (e: mock.MockJobEvent) => { void emit('job-progress', { ...e, profileId: id } satisfies JobEvent) }

  /** A key's status; `provider` is the one new generations use by default, as the core reports it. */
  function keyOf(purpose: SecretPurpose): ApiKeyStatus {
    const s = lib()
    const status = purpose === 'nanoBananaKey' ? s.key : (s.keys[purpose] ?? mock.noKey(purpose))
    return { ...status, purpose, provider: mock.availableProviders(s)[0] }
  }
  function setKeyOf(purpose: SecretPurpose, status: ApiKeyStatus): ApiKeyStatus {
    const s = lib()
    if (purpose === 'nanoBananaKey') s.key = status
    else s.keys[purpose] = status
    return keyOf(purpose)
  }
  const accountCall = (name: string, fn: (a: Args) => unknown) => (a: Args) => {
    accounts.control.calls.push(name)
    return fn(a)
  }

  const handlers: Record<string, (a: Args) => unknown> = {
    app_info: (): AppInfo => ({ version: '0.0.0-mock', profileId: profileId(), dataDir: MOCK_DATA_DIR, jobCount: lib().jobs.length }),
    get_settings: () => lib().settings,
    update_settings: (a) => {
      const next = a.settings as Settings
      const problem = mock.settingsProblem(next)
      if (problem) throw { kind: 'invalid_input', message: problem }
      lib().settings = JSON.parse(JSON.stringify(next))
      return lib().settings
    },
    key_status: (a) => keyOf(a.purpose as SecretPurpose),
    set_key: (a) => {
      const key = String(a.key).trim()
      if (!key) throw { kind: 'invalid_input', message: 'the key is empty' }
      const purpose = a.purpose as SecretPurpose
      return setKeyOf(purpose, { purpose, configured: true, masked: `••••••••${key.slice(-4)}`, source: 'keychain', provider: 'demo', keychainError: null })
    },
    clear_key: (a) => setKeyOf(a.purpose as SecretPurpose, mock.noKey(a.purpose as SecretPurpose)),
    list_images: (a) => {
      const q = a.query as ImageQuery
      return mock.page(lib().images.filter((i) => mock.matchesImage(i, q)), q.cursor, q.limit)
    },
    get_image: (a) => found(lib().images.find((i) => i.id === a.id) ?? lib().inputs.find((i) => i.id === a.id)),
    list_jobs: (a) => mock.listJobs(lib(), a.query as never),
    get_job: (a) => found(lib().jobs.find((j) => j.id === a.id)),
    job_family: (a) => mock.jobFamily(lib(), String(a.id)),
    library_stats: () => {
      // Counted for tests: scrolling must not reload the stats (`window.__NANOFORGE_STATS_CALLS__`).
      const w = window as unknown as { __NANOFORGE_STATS_CALLS__?: number }
      w.__NANOFORGE_STATS_CALLS__ = (w.__NANOFORGE_STATS_CALLS__ ?? 0) + 1
      return mock.stats(lib())
    },
    set_favourite: (a) => { const i = found(lib().images.find((x) => x.id === a.id)); i.favourite = Boolean(a.favourite); return i },
    set_rating: (a) => { const i = found(lib().images.find((x) => x.id === a.id)); i.rating = Number(a.rating); return i },
    trash_images: (a) => setDeleted(a.ids as string[], mock.MOCK_NOW),
    restore_images: (a) => setDeleted(a.ids as string[], null),
    empty_trash: () => { const s = lib(); const before = s.images.length; s.images = s.images.filter((i) => i.deletedAt == null); return before - s.images.length },
    export_images: (a) => (a.ids as string[]).length,
    check_library: () => ({ imagesChecked: lib().images.length, missingOriginals: [], missingThumbnails: [], orphanFiles: [], remoteOriginals: 0, repaired: false, rowsRemoved: 0, filesRemoved: 0, thumbnailsRegenerated: 0 }),
    save_image_as: () => true,
    copy_image: () => null,
    open_image: () => null,
    reveal_in_folder: () => null,
    read_image_metadata: (a) => ((a.bytes as number[]).length > 8 ? mock.MOCK_METADATA : null),
    generate: (a) => startGeneration(lib(), a.request as never, (a.options ?? {}) as never, sender(profileId())),
    cancel_job: (a) => {
      const j = found(lib().jobs.find((x) => x.id === a.id))
      j.status = 'CANCELLED'; j.errorKind = 'cancelled'
      j.errorMessage = j.remoteTaskId
        ? 'Cancelled here; the service may still finish the task and charge for it.'
        : 'Cancelled before it was sent; nothing was charged.'
      sender(profileId())({ jobId: j.id, at: mock.MOCK_NOW, stage: { kind: 'cancelled', message: j.errorMessage } })
      return j
    },
    retry_job: (a) => recoverJob(lib(), String(a.id), sender(profileId())),
    rerun_job: (a) => rerunJob(lib(), String(a.id), (a.options ?? {}) as never, sender(profileId())),
    budget_status: () => mock.budgetStatus(lib()),
    catalog: () => MOCK_CATALOG,
    available_providers: () => mock.availableProviders(lib()),
    // The default provider's account: only Nano Banana has a balance.
    credits: () => {
      const provider = mock.availableProviders(lib())[0]
      return { provider, balance: provider === 'nanobanana' ? lib().balance : null, creditsPerImage: lib().settings.creditsPerImage }
    },
    pick_input_images: () => pickInputs(lib()),
    add_input_image: (a) => addInput(lib(), a.bytes as number[]),
    add_input_image_url: (a) => {
      if (!/^https:\/\//.test(String(a.url))) refuse('invalid_input', `'${String(a.url)}' is not an https URL`)
      return addInput(lib(), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
    },
    sync_settings: () => ({ ...lib().sync.settings }),
    sync_status: () => sync.syncStatus(lib().sync, profileId()),
    update_sync_settings: (a) => sync.updateSyncSettings(lib().sync, a.settings as SyncSettings, (a.secretAccessKey ?? null) as string | null, profileId()),
    test_sync_connection: (a) => sync.testConnection(lib().sync, a.settings as SyncSettings, (a.secretAccessKey ?? null) as string | null),
    sync_now: () => sync.syncNow(lib().sync, mock.MOCK_NOW, (e: SyncEvent) => { void emit('sync-changed', e) }),
    ...Object.fromEntries(Object.entries(accounts.handlers).map(([name, fn]) => [name, accountCall(name, fn as (a: Args) => unknown)])),
    // Plugins the UI calls through the api layer.
    'plugin:opener|open_path': () => null,
    'plugin:opener|reveal_item_in_dir': () => null,
    'plugin:clipboard-manager|write_text': (a) => { accounts.control.copied = String(a.text ?? ''); return null },
    'plugin:notification|is_permission_granted': () => true,
    'plugin:notification|notify': () => null,
  }
  function found<T>(x: T | undefined): T {
    if (x === undefined) throw { kind: 'not_found', message: 'not found' }
    return x
  }
  function setDeleted(ids: string[], at: number | null) {
    let n = 0
    for (const i of lib().images) if (ids.includes(i.id)) { i.deletedAt = at; n++ }
    return n
  }
  mockIPC((cmd, args) => {
    const handler = handlers[cmd]
    if (!handler) throw new Error(`mock IPC: unhandled command ${cmd}`)
    return handler((args ?? {}) as Args)
  }, { shouldMockEvents: true })

  // Library images are served by id from `/nf/...`, like the shell's nf:// scheme (see nf-sw.ts).
  const internals = (window as unknown as { __TAURI_INTERNALS__: { convertFileSrc: (p: string, protocol?: string) => string } }).__TAURI_INTERNALS__
  internals.convertFileSrc = (path, protocol = 'asset') => `${location.origin}/${protocol}/${encodeURIComponent(path)}`
  await startImageServer((q) => q.profile === profileId() && [...lib().images, ...lib().inputs].some((i) => i.id === q.id))

  publish(lib())
  ;(window as unknown as { __NANOFORGE_ACCOUNTS__: unknown }).__NANOFORGE_ACCOUNTS__ = accounts.control
}

/** Registers the mock image server and waits until it controls this page (its first images need it). */
async function startImageServer(has: (q: ImageQuestion) => boolean) {
  const container = navigator.serviceWorker
  if (!container) {
    console.warn('mock IPC: no service workers here, library images will not load')
    return
  }
  container.onmessage = (e: MessageEvent<ImageQuestion>) => {
    if (e.data?.type === 'nf-image') e.ports[0]?.postMessage(has(e.data))
  }
  const script = import.meta.env.DEV ? '/src/mocks/nf-sw.ts' : `${import.meta.env.BASE_URL}nf-sw.js`
  try {
    const registration = await container.register(script, { scope: import.meta.env.BASE_URL, type: 'module' })
    if (!container.controller) {
      const controlled = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }))
      await container.ready
      // A worker that activated while this page was loading (a reload right after the first visit) did
      // its claim before the page existed: ask again.
      if (!container.controller) registration.active?.postMessage({ type: 'claim' })
      await controlled
    }
  } catch (e) {
    console.warn('mock IPC: the image server did not start, library images will not load', e)
  }
}
