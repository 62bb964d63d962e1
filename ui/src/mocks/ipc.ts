// In-page stand-in for the Rust side, used only by the browser-test build (VITE_MOCK_IPC=1). Each profile
// of the mock device has its own library (mocks/accounts.ts); every library command works on the open one.
// Everything the core tells the page goes through one event, `core-changed`, like the real shell: job
// progress, the library's committed changes (./changes.ts, coalesced), syncs and profile switches.
// `window.__NANOFORGE_MOCK__` is the open profile's library (assigned again on every switch); a test that
// edits it directly can say so with `window.__NANOFORGE_LIBRARY_CHANGED__(note)` (as another process writing
// to the library would make the core say), and `window.__NANOFORGE_AUTO_SYNC__()` runs a sync as the core's
// automatic syncs do, on any view. `?synced` starts the local library with sync set up, other devices and
// their jobs (see ./sync.ts). `window.__NANOFORGE_CLOSE_WINDOW__()` closes the window as the shell sees it:
// with a paid request in flight (a Gemini call) it says `quitting` and "exits" once the call is recorded;
// how the app ended is `window.__NANOFORGE_EXIT__` ('closed', 'finished' or 'quit-now'; the page stays).
// What belongs to the device rather than a profile (the first-run welcome, crash reports, diagnostics, the
// device's own sign-in client, keys checked before saving) is ./device.ts, `window.__NANOFORGE_DEVICE__`.
import { mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import { gridImageOf } from '@/api'
import type {
  ApiKeyStatus, AppInfo, CoreEvent, ImageQuery, ImageRecord, ImageSize, JobRecord, Model, Preferences, ProfileSummary, SecretPurpose,
  SyncEvent, SyncSetup,
} from '@/api'
import * as mock from './backend'
import { createAccounts } from './accounts'
import { mockCatalog, mockExpectedTime, mockQuote } from './catalog'
import { createChangeFeed, type ChangeNote } from './changes'
import { addInput, finishElsewhere, paidInFlight, pickInputs, recoverJob, refuse, rerunJob, startGeneration } from './generation'
import * as sync from './sync'
import { editingHandlers, keepInputBytes, withReferences } from './editing'
import { createDevice } from './device'
import { createUpdates } from './updates'
import { batchHandlers } from './batches'
import { matchesOrganise, organiseHandlers, organiseOf, sortedPage } from './organise'
import { promptHandlers } from './prompts'
import type { ImageQuestion } from './nf-sw'

export const MOCK_DATA_DIR = '/mock/nanoforge'
const MOCK_VERSION = '0.0.0-mock'

type Args = Record<string, unknown>

/** What the core sends on its one stream. */
const send = (event: CoreEvent) => { void emit('core-changed', event) }

export async function installMockIpc() {
  // `?empty` in the URL starts with an empty local library (first-run screens).
  const local = location.search.includes('empty') ? mock.emptyState() : mock.seedState()
  if (location.search.includes('synced')) sync.withPeers(local.sync, local.jobs, mock.MOCK_NOW, (i, over) => mock.job(i, over))
  const publish = (library: mock.MockState) => {
    (window as unknown as { __NANOFORGE_MOCK__: mock.MockState }).__NANOFORGE_MOCK__ = library
  }
  const accounts = createAccounts(local, (summary: ProfileSummary) => {
    publish(accounts.current().library)
    send({ kind: 'profile', profile: summary })
  }, () => device.signInConfigured())
  // The welcome, crash reports, diagnostics, the device's own sign-in client and checked keys (./device.ts).
  // Updates of the app: what the updater finds and installs (./updates.ts, `window.__NANOFORGE_UPDATES__`).
  const updates = createUpdates()
  const device = createDevice({
    buildClient: () => accounts.control.signInConfigured,
    setKey: (purpose, key) => handlers.set_key({ purpose, key }) as ApiKeyStatus,
    version: MOCK_VERSION,
    dataDir: MOCK_DATA_DIR,
  })
  const lib = () => accounts.current().library
  const profileId = () => accounts.current().summary.id
  /** The open profile's image URL key (the core makes a random one per opening; one per profile is enough here). */
  const imageUrlKey = () => `key-${profileId()}`
  const feed = createChangeFeed((change) => send({ kind: 'library', change }))
  /** The open library committed `note` (the change reaches the page within the feed's window). */
  const changed = (note: ChangeNote, id = profileId()) => feed.note(id, note)
  const jobsAdded = (records: JobRecord[]) => {
    changed({ jobs: { added: records.map((r) => r.id) }, stats: true })
    return records
  }
  // Events name the profile that started the job, even after another one opened; each step is also a
  // committed change of its job (and, when done, of the images it made).
  const sender = (id: string) => (e: mock.MockJobEvent) => {
    send({ kind: 'job', event: { ...e, profileId: id } })
    changed({
      jobs: { updated: [e.jobId] }, stats: true,
      images: e.stage.kind === 'done' ? { added: e.stage.imageIds } : undefined,
    }, id)
  }
  /**
   * A sync of the open library, reporting on the stream; its pull finishes the other devices' jobs (and holds
   * another device's mass deletion back, when one is steered).
   */
  function runSync() {
    const id = profileId()
    const s = lib()
    return sync.syncNow(s.sync, mock.MOCK_NOW, (event: SyncEvent) => send({ kind: 'sync', profileId: id, event }), () => {
      const pulled = finishElsewhere(s)
      sync.holdMassDelete(s.sync, s.images)
      changed({ images: { added: pulled.images }, jobs: { updated: pulled.jobs }, stats: pulled.jobs.length > 0, sync: true }, id)
    }).finally(() => changed({ sync: true }, id))
  }

  /** Held deletions, applied: removed for good, or to the Trash when their original is only here. */
  function applyHeld() {
    const s = lib()
    const held = s.sync.held
    s.sync.held = null
    if (!held) return { deleted: 0, kept: 0 }
    const kept = s.images.filter((i) => held.onlyHere.includes(i.id))
    for (const i of kept) i.deletedAt ??= mock.MOCK_NOW
    const gone = held.ids.filter((id) => !held.onlyHere.includes(id) && s.images.some((i) => i.id === id))
    s.images = s.images.filter((i) => !gone.includes(i.id))
    changed({ images: { removed: gone, updated: kept.map((i) => i.id) }, stats: true, sync: true })
    return { deleted: gone.length, kept: kept.length }
  }

  /** How the app ended (the page cannot close itself): for tests. */
  const exit = (how: 'closed' | 'finished' | 'quit-now') => { hooks.__NANOFORGE_EXIT__ = how }
  let quitting = false
  /** The window closed: at once without paid requests in flight, else after them, saying so first. */
  function closeWindow() {
    if (quitting) return
    const n = paidInFlight(lib())
    if (n === 0) return exit('closed')
    quitting = true
    send({ kind: 'quitting', paidRequests: n })
    const wait = () => { if (paidInFlight(lib()) === 0) exit('finished'); else setTimeout(wait, 50) }
    wait()
  }

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

  const hooks = window as unknown as Record<string, unknown>
  const handlers: Record<string, (a: Args) => unknown> = {
    quit_now: () => { exit('quit-now'); return null },
    app_info: (): AppInfo => ({
      version: MOCK_VERSION, profileId: profileId(), imageUrlKey: imageUrlKey(), dataDir: MOCK_DATA_DIR, jobCount: lib().jobs.length,
      welcomeDismissed: device.control.welcomeDismissed,
    }),
    get_preferences: () => lib().preferences,
    update_preferences: (a) => {
      const next = a.preferences as Preferences
      const problem = mock.preferencesProblem(next)
      if (problem) throw { kind: 'invalid_input', message: problem }
      lib().preferences = JSON.parse(JSON.stringify(next))
      changed({ preferences: true })
      return lib().preferences
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
      const o = organiseOf(lib(), mock.MOCK_NOW)
      // The prompt search is matchesOrganise's (it covers tags and album names too).
      const rows = lib().images.filter((i) => mock.matchesImage(i, { ...q, search: null }) && matchesOrganise(lib(), o, i, q))
      return sortedPage(rows, q)
    },
    list_grid: (a) => {
      const page = handlers.list_images(a) as { items: ImageRecord[]; nextCursor: unknown }
      return { items: page.items.map(gridImageOf), nextCursor: page.nextCursor }
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
    set_favourite: (a) => edited(String(a.id), (i) => { i.favourite = Boolean(a.favourite) }),
    set_rating: (a) => edited(String(a.id), (i) => { i.rating = Number(a.rating) }),
    trash_images: (a) => setDeleted(a.ids as string[], mock.MOCK_NOW),
    restore_images: (a) => setDeleted(a.ids as string[], null),
    empty_trash: () => {
      const s = lib()
      const gone = s.images.filter((i) => i.deletedAt != null).map((i) => i.id)
      s.images = s.images.filter((i) => i.deletedAt == null)
      if (gone.length) changed({ images: { removed: gone }, stats: true })
      return gone.length
    },
    export_images: (a) => (a.ids as string[]).length,
    // The save dialog answers with a file unless the test says it was cancelled.
    save_possibly_charged: () => (lib().saveCancelled ? null : lib().jobs.filter(mock.possiblyCharged).length),
    check_library: () => ({ imagesChecked: lib().images.length, missingOriginals: [], missingThumbnails: [], orphanFiles: [], remoteOriginals: 0, repaired: false, rowsRemoved: 0, filesRemoved: 0, thumbnailsRegenerated: 0 }),
    save_image_as: () => true,
    copy_image: () => null,
    // The mock clipboard holds no image (the browser tests paste files).
    paste_input_image: () => null,
    drag_image_out: (a) => { lib().draggedOut = [...(lib().draggedOut ?? []), a.id as string]; return null },
    open_image: () => null,
    reveal_in_folder: () => null,
    // Raw bodies, as the shell reads them: anything else (JSON numbers) is refused.
    read_image_metadata: (a) => (rawBytes(a).length > 8 ? mock.MOCK_METADATA : null),
    generate: (a) => jobsAdded(startGeneration(lib(), withReferences(lib(), a.request as never), (a.options ?? {}) as never, sender(profileId()))),
    quote: (a) => mockQuote(mock.availableProviders(lib()), lib().preferences.priceOverrides, a.request as never,
      (a.options ?? {}) as never, lib().preferences.defaultModel, lib().jobs, lib().preferences.concurrency),
    expected_time: (a) => mockExpectedTime(lib().jobs, a.model as Model, a.size as ImageSize),
    cancel_job: (a) => {
      const j = found(lib().jobs.find((x) => x.id === a.id))
      j.status = 'CANCELLED'; j.errorKind = 'cancelled'
      j.errorMessage = j.remoteTaskId
        ? 'Cancelled here; the service may still finish the task and charge for it.'
        : 'Cancelled before it was sent; nothing was charged.'
      sender(profileId())({ jobId: j.id, at: mock.MOCK_NOW, stage: { kind: 'cancelled', message: j.errorMessage } })
      return j
    },
    retry_job: (a) => {
      const record = recoverJob(lib(), String(a.id), sender(profileId()))
      changed({ jobs: { updated: [record.id] }, stats: true })
      return record
    },
    rerun_job: (a) => jobsAdded(rerunJob(lib(), String(a.id), (a.options ?? {}) as never, sender(profileId()))),
    budget_status: () => mock.budgetStatus(lib()),
    catalog: () => mockCatalog(lib().preferences.priceOverrides),
    available_providers: () => mock.availableProviders(lib()),
    // The default provider's account: only Nano Banana has a balance.
    credits: () => {
      const provider = mock.availableProviders(lib())[0]
      return { provider, balance: provider === 'nanobanana' ? lib().balance : null, creditsPerImage: lib().preferences.creditsPerImage }
    },
    pick_input_images: () => pickInputs(lib()),
    add_input_image: (a) => keepInputBytes(lib(), addInput(lib(), rawBytes(a)), rawBytes(a)),
    add_input_image_url: (a) => {
      if (!/^https:\/\//.test(String(a.url))) refuse('invalid_input', `'${String(a.url)}' is not an https URL`)
      return addInput(lib(), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))
    },
    sync_setup: () => ({ ...lib().sync.setup }),
    sync_status: () => sync.syncStatus(lib().sync, profileId()),
    update_sync_setup: (a) => {
      const status = sync.updateSyncSetup(lib().sync, a.setup as SyncSetup, (a.secretAccessKey ?? null) as string | null, profileId())
      changed({ sync: true })
      return status
    },
    test_sync_connection: (a) => sync.testConnection(lib().sync, a.setup as SyncSetup, (a.secretAccessKey ?? null) as string | null),
    sync_now: () => runSync(),
    apply_pending_deletions: () => applyHeld(),
    // Editing: edits, masks, upscales, replies, the lineage tree, references (./editing.ts).
    ...editingHandlers(lib, () => sender(profileId()), changed),
    // Albums and tags (./organise.ts).
    ...organiseHandlers(lib, mock.MOCK_NOW, changed),
    // Batches: plan, start, status, cancel (./batches.ts).
    ...batchHandlers(lib, () => sender(profileId()), jobsAdded, (id) => handlers.cancel_job({ id })),
    // The prompt library and the wildcard lists (./prompts.ts).
    ...promptHandlers(lib, changed),
    ...device.handlers,
    ...updates.handlers,
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
  function edited(id: string, edit: (image: mock.MockState['images'][number]) => void) {
    const image = found(lib().images.find((x) => x.id === id))
    edit(image)
    changed({ images: { updated: [id] }, stats: true })
    return image
  }
  function setDeleted(ids: string[], at: number | null) {
    const moved = lib().images.filter((i) => ids.includes(i.id) && (at == null) !== (i.deletedAt == null))
    for (const i of moved) i.deletedAt = at
    if (moved.length) changed({ images: { updated: ids }, stats: true })
    return moved.length
  }
  /** The body of a command that takes a file as its raw request body. */
  function rawBytes(a: unknown): Uint8Array {
    if (!(a instanceof Uint8Array)) refuse('invalid_input', 'the file must be sent as the raw request body')
    return a
  }
  mockIPC((cmd, args) => {
    const handler = handlers[cmd]
    if (!handler) throw new Error(`mock IPC: unhandled command ${cmd}`)
    return handler((args ?? {}) as Args)
  }, { shouldMockEvents: true })

  // Library images are served by id from `/nf/...`, like the shell's nf:// scheme (see nf-sw.ts).
  const internals = (window as unknown as { __TAURI_INTERNALS__: { convertFileSrc: (p: string, protocol?: string) => string } }).__TAURI_INTERNALS__
  internals.convertFileSrc = (path, protocol = 'asset') => `${location.origin}/${protocol}/${encodeURIComponent(path)}`
  await startImageServer((q) => q.profile === profileId() && (q.key === undefined
    ? [...lib().images, ...lib().inputs].some((i) => i.id === q.id)
    : q.key === imageUrlKey() && [...lib().images, ...lib().inputs].some((i) => i.sha256 === q.id)))

  publish(lib())
  hooks.__NANOFORGE_ACCOUNTS__ = accounts.control
  hooks.__NANOFORGE_LIBRARY_CHANGED__ = (note: ChangeNote) => changed(note)
  hooks.__NANOFORGE_AUTO_SYNC__ = () => runSync().catch(() => {})
  hooks.__NANOFORGE_CLOSE_WINDOW__ = closeWindow
  hooks.__NANOFORGE_DEVICE__ = device.control
  hooks.__NANOFORGE_UPDATES__ = updates.control
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
