import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import type { AccountsState, AppInfo, ErrorKind, ImageRecord, ProfileSummary } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { catalog, imageRecord, jobRecord, preferences, providersFromKeys } from './jobs-fixtures'
import { libraryStats } from './stats-fixtures'

// The stores over the src/api boundary: the core's accounts commands and its one event stream are replaced here.
const api = vi.hoisted(() => ({
  accountsState: vi.fn(),
  beginSignIn: vi.fn(),
  finishSignIn: vi.fn(),
  cancelSignIn: vi.fn(),
  switchProfile: vi.fn(),
  signOut: vi.fn(),
  removeProfile: vi.fn(),
  onCoreChanged: vi.fn(),
  appInfo: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  listImages: vi.fn(),
  listGrid: vi.fn(),
  libraryStats: vi.fn(),
  budgetStatus: vi.fn(),
  getPreferences: vi.fn(),
  catalog: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
  credits: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { useAccountsStore } from '@/stores/accounts'
import { useAppStore } from '@/stores/app'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useDraftStore } from '@/stores/draft'
import { useGalleryStore } from '@/stores/gallery'
import { useHistoryStore } from '@/stores/history'
import { useJobsStore } from '@/stores/jobs'
import { useSettingsStore } from '@/stores/settings'
import { useStatsStore } from '@/stores/stats'

const profile = (id: string, over: Partial<ProfileSummary> = {}): ProfileSummary => ({
  id, kind: id === 'local' ? 'local' : 'google', displayName: id, email: id === 'local' ? null : `${id}@example.com`,
  name: null, issuer: id === 'local' ? null : 'https://accounts.google.com', emailVerified: null, current: false, ...over,
})
const LOCAL = profile('local')
const ADA = profile('g-ada', { name: 'Ada' })

function state(current: ProfileSummary, others: ProfileSummary[] = [LOCAL, ADA], configured = true): AccountsState {
  const all = others.some((p) => p.id === current.id) ? others : [...others, current]
  return {
    current: { ...current, current: true },
    profiles: all.map((p) => ({ ...p, current: p.id === current.id })),
    signInConfigured: configured,
    issuer: 'https://accounts.google.com',
  }
}
const info = (profileId: string): AppInfo => ({ version: '1', profileId, imageUrlKey: `key-${profileId}`, dataDir: '/data', jobCount: 3, welcomeDismissed: true })

/** A promise settled from the test. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

let events: FakeCoreEvents
/** Which profile the fake core has open: its answers follow it. */
let open = 'local'

describe('accounts store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    open = 'local'
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.accountsState.mockImplementation(async () => state(open === 'local' ? LOCAL : ADA))
    api.appInfo.mockImplementation(async () => info(open))
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.listImages.mockResolvedValue({ items: [], nextCursor: null })
    api.listGrid.mockResolvedValue({ items: [], nextCursor: null })
    api.getJob.mockImplementation(async (id: string) => jobRecord({ id }))
    api.getPreferences.mockResolvedValue({ ...preferences })
    api.catalog.mockResolvedValue(catalog)
    api.budgetStatus.mockResolvedValue({ limitUsd: null, month: '2026-11', spentConfirmed: 0, spentPossible: 0, level: 'off' })
    api.keyStatus.mockResolvedValue({ purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null })
    api.libraryStats.mockResolvedValue(libraryStats())
    api.cancelSignIn.mockResolvedValue(undefined)
    api.beginSignIn.mockResolvedValue({ url: 'https://accounts.google.com/o/oauth2/v2/auth?x=1', browserOpened: true })
    api.switchProfile.mockImplementation(async (id: string) => { open = id; return { ...(id === 'local' ? LOCAL : ADA), current: true } })
    api.signOut.mockImplementation(async () => { open = 'local'; return { ...LOCAL, current: true } })
  })

  /** Fills every store the way an afternoon in the local library would. */
  async function fillStores() {
    const app = useAppStore()
    await app.load()
    const accounts = useAccountsStore()
    await accounts.load()
    api.listGrid.mockResolvedValueOnce({ items: [imageRecord('img-local')], nextCursor: null })
    const gallery = useGalleryStore()
    await gallery.setQuery({ search: 'fox' })
    gallery.toggleSelected('img-local')
    const history = useHistoryStore()
    api.listJobs.mockResolvedValueOnce({ items: [jobRecord({ id: 'job-local' })], nextCursor: null })
    history.search = 'fox'
    await history.reload()
    const stats = useStatsStore()
    await stats.load({})
    await stats.loadRecent()
    await useSettingsStore().load()
    useDraftStore().load({ prompt: 'a fox', parentImageId: 'img-local' })
    return { app, accounts, gallery, history, stats }
  }

  it('loads the profiles and knows which one is open', async () => {
    const accounts = useAccountsStore()
    await accounts.load()
    expect(accounts.currentId).toBe('local')
    expect(accounts.current?.kind).toBe('local')
    expect(accounts.signedIn).toBe(false)
    expect(accounts.accounts.map((p) => p.id)).toEqual(['g-ada'])
    expect(accounts.signInConfigured).toBe(true)
  })

  it('signs in: begin shows the link, finish opens the account and every store forgets the local library', async () => {
    const { app, accounts, gallery, history, stats } = await fillStores()
    const finish = deferred<ProfileSummary>()
    api.finishSignIn.mockReturnValue(finish.promise)
    const preferenceReads = api.getPreferences.mock.calls.length

    const done = accounts.signIn()
    expect(accounts.phase).toBe('starting')
    await flushPromises()
    expect(accounts.phase).toBe('waiting')
    expect(accounts.pending).toEqual({ url: 'https://accounts.google.com/o/oauth2/v2/auth?x=1', browserOpened: true })

    open = 'g-ada'
    finish.resolve({ ...ADA, current: true })
    expect(await done).toMatchObject({ id: 'g-ada' })
    expect(accounts.phase).toBe('idle')
    expect(accounts.pending).toBeNull()
    expect(accounts.currentId).toBe('g-ada')
    expect(accounts.current?.id).toBe('g-ada')
    expect(accounts.switching).toBe(false)
    // Nothing of the local library is left, and the new profile's facts are loaded.
    expect(gallery.items).toEqual([])
    expect(gallery.query.search).toBe('')
    expect(gallery.selected.size).toBe(0)
    expect(history.rows).toEqual([])
    expect(history.search).toBe('')
    expect(stats.stats).toBeNull()
    expect(stats.recent).toEqual([])
    expect(useDraftStore().draft).toBeNull()
    expect(app.info?.profileId).toBe('g-ada')
    // Preferences had been read, so the new profile's are read again (notifications depend on them).
    expect(api.getPreferences).toHaveBeenCalledTimes(preferenceReads + 1)
  })

  const failures: [ErrorKind, 'begin' | 'finish'][] = [
    ['network', 'begin'], ['sign_in_not_configured', 'begin'], ['sign_in_denied', 'finish'], ['sign_in_failed', 'finish'],
    ['invalid_token', 'finish'], ['clock_skew', 'finish'], ['timeout', 'finish'], ['cancelled', 'finish'],
  ]
  it.each(failures)('a %s failure (at %s) is kept with its kind, and the open profile stays', async (kind, step) => {
    const accounts = useAccountsStore()
    await accounts.load()
    const error = new ApiError({ kind, message: `core says ${kind}` })
    if (step === 'begin') api.beginSignIn.mockRejectedValue(error)
    else api.finishSignIn.mockRejectedValue(error)

    expect(await accounts.signIn()).toBeNull()
    expect(accounts.phase).toBe('error')
    expect(accounts.signInError).toEqual({ kind, message: `core says ${kind}` })
    expect(accounts.pending).toBeNull()
    expect(accounts.currentId).toBe('local')
    expect(api.finishSignIn).toHaveBeenCalledTimes(step === 'begin' ? 0 : 1)

    // Try again starts a new sign-in from the beginning.
    api.beginSignIn.mockResolvedValue({ url: 'https://accounts.google.com/2', browserOpened: true })
    api.finishSignIn.mockReturnValue(new Promise(() => {}))
    void accounts.signIn()
    await flushPromises()
    expect(accounts.phase).toBe('waiting')
    expect(accounts.signInError).toBeNull()
  })

  it('a plain-string failure from Tauri still gets a kind (internal)', async () => {
    const accounts = useAccountsStore()
    api.beginSignIn.mockRejectedValue('command begin_sign_in not allowed')
    await accounts.signIn()
    expect(accounts.signInError).toEqual({ kind: 'internal', message: 'command begin_sign_in not allowed' })
  })

  it('cancel stops waiting, tells the core, and the cancelled finish that follows is not an error', async () => {
    const accounts = useAccountsStore()
    await accounts.load()
    const finish = deferred<ProfileSummary>()
    api.finishSignIn.mockReturnValue(finish.promise)
    const done = accounts.signIn()
    await flushPromises()
    expect(accounts.phase).toBe('waiting')

    await accounts.cancelSignIn()
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1)
    expect(accounts.phase).toBe('idle')
    expect(accounts.pending).toBeNull()
    finish.reject(new ApiError({ kind: 'cancelled', message: 'sign-in cancelled' }))
    expect(await done).toBeNull()
    expect(accounts.phase).toBe('idle')
    expect(accounts.signInError).toBeNull()
  })

  it('a newer sign-in wins: the first one’s late answer is ignored', async () => {
    const accounts = useAccountsStore()
    await accounts.load()
    const first = deferred<ProfileSummary>()
    const second = deferred<ProfileSummary>()
    api.finishSignIn.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise)
    const a = accounts.signIn()
    await flushPromises()
    const b = accounts.signIn()
    await flushPromises()
    first.reject(new ApiError({ kind: 'cancelled', message: 'replaced' }))
    expect(await a).toBeNull()
    expect(accounts.phase).toBe('waiting')
    open = 'g-ada'
    second.resolve({ ...ADA, current: true })
    expect(await b).toMatchObject({ id: 'g-ada' })
  })

  it('a profile event from the core switches once, and reloads what is shown', async () => {
    const { app, accounts, gallery } = await fillStores()
    await useCoreEventsStore().start()
    const appReads = api.appInfo.mock.calls.length
    open = 'g-ada'
    events.profile({ ...ADA, current: true })
    expect(accounts.switching).toBe(true)
    expect(accounts.currentId).toBe('g-ada')
    // The command's own answer often arrives too: the same profile is applied once.
    events.profile({ ...ADA, current: true })
    await flushPromises()
    expect(api.appInfo).toHaveBeenCalledTimes(appReads + 1)
    expect(accounts.switching).toBe(false)
    expect(gallery.items).toEqual([])
    expect(app.info?.profileId).toBe('g-ada')
    expect(accounts.current?.id).toBe('g-ada')
  })

  it('catches up when the change event was missed: the state names another open profile', async () => {
    // The shell reads the app's facts at start, as App.vue does.
    await useAppStore().load()
    const accounts = useAccountsStore()
    await accounts.load()
    open = 'g-ada'
    await accounts.load()
    await flushPromises()
    expect(accounts.currentId).toBe('g-ada')
    expect(useAppStore().info?.profileId).toBe('g-ada')
  })

  it('answers about the previous profile that arrive after a switch are dropped', async () => {
    const { accounts, gallery } = await fillStores()
    const jobs = useJobsStore()
    await jobs.start()
    const page = deferred<{ items: ImageRecord[]; nextCursor: null }>()
    api.listGrid.mockReturnValueOnce(page.promise)
    const loading = gallery.reload()
    const job = deferred<ReturnType<typeof jobRecord>>()
    api.getJob.mockReturnValueOnce(job.promise)
    void jobs.refresh('job-local')

    await accounts.switchTo('g-ada')
    page.resolve({ items: [imageRecord('img-local')], nextCursor: null })
    job.resolve(jobRecord({ id: 'job-local' }))
    await loading
    await flushPromises()
    expect(gallery.items).toEqual([])
    expect(jobs.byId['job-local']).toBeUndefined()
  })

  it('ignores events of another profile: job steps and library changes reach no store', async () => {
    const { accounts } = await fillStores()
    const jobs = useJobsStore()
    await jobs.start()
    await flushPromises()
    expect(accounts.currentId).toBe('local')
    api.listImages.mockClear()
    api.listGrid.mockClear()
    api.getImage.mockClear()
    api.libraryStats.mockClear()

    events.job('job-ada', { kind: 'generating', elapsedMs: 5, polls: 1 }, 'g-ada')
    events.job('job-ada', { kind: 'done', imageIds: ['img-ada'], cost: 0, durationMs: 9 }, 'g-ada')
    events.library({ profileId: 'g-ada', images: { added: ['img-ada'] }, jobs: { updated: ['job-ada'] }, stats: true })
    await flushPromises()
    expect(jobs.byId['job-ada']).toBeUndefined()
    expect(jobs.sessionIds).toEqual([])
    expect(api.getJob).not.toHaveBeenCalledWith('job-ada')
    expect(api.getImage).not.toHaveBeenCalled()
    expect(api.listImages).not.toHaveBeenCalled()
    expect(api.listGrid).not.toHaveBeenCalled()
    expect(api.libraryStats).not.toHaveBeenCalled()

    // The open profile's own events still count.
    events.job('job-7', { kind: 'generating', elapsedMs: 5, polls: 1 })
    events.library({ stats: true })
    await flushPromises()
    expect(jobs.sessionIds).toEqual(['job-7'])
    expect(api.libraryStats).toHaveBeenCalledTimes(1)
  })

  it('a switch picks up the new profile’s unfinished jobs and forgets the old ones', async () => {
    const accounts = useAccountsStore()
    await accounts.load()
    const jobs = useJobsStore()
    await jobs.start()
    events.job('job-7', { kind: 'generating', elapsedMs: 5, polls: 1 })
    await flushPromises()
    api.listJobs.mockImplementation(async (q: { status: string }) => ({
      items: q.status === 'PROCESSING' ? [jobRecord({ id: 'job-ada-1', status: 'PROCESSING' })] : [], nextCursor: null,
    }))
    await accounts.switchTo('g-ada')
    expect(jobs.sessionIds).toEqual(['job-ada-1'])
    expect(jobs.byId['job-7']).toBeUndefined()
  })

  it('signs out back to the local library', async () => {
    open = 'g-ada'
    const accounts = useAccountsStore()
    await accounts.load()
    expect(accounts.signedIn).toBe(true)
    await accounts.signOut()
    expect(api.signOut).toHaveBeenCalledTimes(1)
    expect(accounts.currentId).toBe('local')
    expect(accounts.signedIn).toBe(false)
    expect(accounts.busy).toBe(false)
  })

  it('removing the open account opens the local library and passes on the core’s warning', async () => {
    open = 'g-ada'
    await useAppStore().load()
    const accounts = useAccountsStore()
    await accounts.load()
    api.removeProfile.mockImplementation(async () => {
      open = 'local'
      api.accountsState.mockResolvedValue(state(LOCAL, [LOCAL]))
      return 'the library was removed, but its keys could not be deleted: keychain locked'
    })
    const warning = await accounts.remove('g-ada')
    expect(api.removeProfile).toHaveBeenCalledWith('g-ada')
    expect(warning).toMatch(/keys could not be deleted/)
    expect(accounts.currentId).toBe('local')
    expect(accounts.profiles.map((p) => p.id)).toEqual(['local'])
    expect(useAppStore().info?.profileId).toBe('local')
  })

  it('a failed switch leaves everything as it was and throws the typed error', async () => {
    const { accounts, gallery } = await fillStores()
    api.switchProfile.mockRejectedValue(new ApiError({ kind: 'database', message: 'the library could not be opened' }))
    await expect(accounts.switchTo('g-ada')).rejects.toMatchObject({ kind: 'database' })
    expect(accounts.currentId).toBe('local')
    expect(gallery.items.map((i) => i.id)).toEqual(['img-local'])
    expect(accounts.busy).toBe(false)
  })

  it('knows when this build cannot sign in', async () => {
    api.accountsState.mockResolvedValue(state(LOCAL, [LOCAL], false))
    const accounts = useAccountsStore()
    expect(accounts.signInConfigured).toBeNull()
    await accounts.load()
    expect(accounts.signInConfigured).toBe(false)
  })
})
