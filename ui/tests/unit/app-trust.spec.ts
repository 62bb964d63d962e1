import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { PendingDeletions, SyncStatus } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

// The window as a whole over the src/api boundary: what the core says on its stream (quitting, a sync that
// held another device's deletions) reaches the shell on any view.
const api = vi.hoisted(() => ({
  appInfo: vi.fn(),
  accountsState: vi.fn(),
  catalog: vi.fn(),
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  syncStatus: vi.fn(),
  applyPendingDeletions: vi.fn(),
  quitNow: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { makeI18n } from '@/i18n'
import { routes } from '@/router'
import App from '@/App.vue'
import { useToast } from '@/components/shared/toast'

const Stub = { render: () => h('h1', 'view') }
const LOCAL = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true }
const HELD: PendingDeletions = { count: 240, librarySize: 250, devices: [{ deviceId: 'dev-pixel', name: 'Pixel 8', count: 240 }] }
const status = (pendingDeletions: PendingDeletions | null): SyncStatus => ({
  configured: true, endpoint: 'https://acct.r2.cloudflarestorage.com', bucket: 'pictures', prefix: 'nanoforge/local/',
  deviceId: 'dev-here', lastSyncMs: 1, pendingUploads: 0, pendingDownloads: 0,
  devices: [{ id: 'dev-pixel', name: 'Pixel 8', platform: 'android', lastSeenMs: 1 }], pendingDeletions,
})
const REPORT = {
  uploadedFiles: 0, downloadedFiles: 0, deletedFiles: 0, opsPushed: 0, opsPulled: 240, segmentsPushed: 0, segmentsPulled: 1,
  newImages: 0, filesLeft: 0, durationMs: 900, claimedLibrary: false,
}

let events: FakeCoreEvents
let wrapper: VueWrapper | null = null

async function mountApp(path = '/gallery') {
  const light = routes.map((r) => (r.name ? { ...r, component: Stub } : r))
  const router = createRouter({ history: createMemoryHistory(), routes: light as typeof routes })
  await router.push(path)
  wrapper = mount(App, { global: { plugins: [createPinia(), router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  // The held deletions are read once the first view has painted and the page is idle.
  await vi.waitFor(() => expect(api.syncStatus).toHaveBeenCalled())
  await flushPromises()
  return wrapper
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`)

describe('the window, trusted with money and deletions', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.appInfo.mockResolvedValue({ version: '1.2.3', profileId: 'local', dataDir: '/data', jobCount: 3 })
    api.accountsState.mockResolvedValue({ current: LOCAL, profiles: [LOCAL], signInConfigured: false, issuer: null })
    api.catalog.mockResolvedValue({ models: [], providers: [], prices: [] })
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.syncStatus.mockResolvedValue(status(null))
    api.quitNow.mockResolvedValue(undefined)
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    useToast().dismissToast()
  })

  it('closing the window with a paid request in flight blocks it with "Finishing 1 paid request…" and Quit now', async () => {
    const w = await mountApp()
    expect(inBody('quitting-overlay')).toBeNull()
    events.emit({ kind: 'quitting', paidRequests: 1 })
    await flushPromises()
    expect(inBody('quitting-title')?.textContent?.trim()).toBe('Finishing 1 paid request…')
    expect(inBody('quitting-overlay')?.textContent).toContain('stores the answer before it closes')
    // Nothing behind it can be used (another Generate would be another paid request).
    expect(w.get('.shell').attributes('inert')).toBeDefined()
    expect(document.activeElement?.closest('[data-testid="quitting-overlay"]')).not.toBeNull()

    events.emit({ kind: 'quitting', paidRequests: 3 })
    await flushPromises()
    expect(inBody('quitting-title')?.textContent?.trim()).toBe('Finishing 3 paid requests…')

    inBody('quit-now')!.click()
    await flushPromises()
    expect(api.quitNow).toHaveBeenCalledTimes(1)
    expect(inBody('quit-now')?.textContent?.trim()).toBe('Quitting…')
    inBody('quit-now')!.click()
    await flushPromises()
    expect(api.quitNow).toHaveBeenCalledTimes(1)
  })

  it('a Quit now the shell refuses says so and can be tried again', async () => {
    await mountApp()
    events.emit({ kind: 'quitting', paidRequests: 2 })
    await flushPromises()
    api.quitNow.mockRejectedValueOnce(new ApiError({ kind: 'internal', message: 'the window is gone' }))
    inBody('quit-now')!.click()
    await flushPromises()
    expect(inBody('quit-now-error')?.textContent).toContain('Could not quit now: the window is gone')
    expect((inBody('quit-now') as HTMLButtonElement).disabled).toBe(false)
    inBody('quit-now')!.click()
    await flushPromises()
    expect(api.quitNow).toHaveBeenCalledTimes(2)
  })

  it('deletions held before a restart are asked about in a dialog on any view; Not now stops asking until others are held', async () => {
    api.syncStatus.mockResolvedValue(status(HELD))
    await mountApp('/history')
    const dialog = inBody('pending-deletions-dialog')!
    expect(dialog.getAttribute('role')).toBe('alertdialog')
    expect(inBody('pending-deletions-question')?.textContent?.trim()).toBe('Pixel 8 deleted 240 of 250 images forever — apply?')
    // The devices that deleted them, with their platform as sync knows it, and what stays.
    const devices = [...dialog.querySelectorAll('[data-testid="pending-deletions-device"]')]
      .map((d) => [...d.children].map((c) => c.textContent?.trim()))
    expect(devices).toEqual([['Pixel 8', 'android', '240 images']])
    expect(inBody('pending-deletions-stay')?.textContent?.trim()).toBe('10 images stay in this library.')
    // Nothing destructive has focus: Enter right away must not delete anything.
    expect(document.activeElement).toBe(inBody('pending-deletions-later'))
    inBody('pending-deletions-later')!.click()
    await flushPromises()
    expect(inBody('pending-deletions-dialog')).toBeNull()
    expect(api.applyPendingDeletions).not.toHaveBeenCalled()

    // An automatic sync holds more: the window asks again; Escape is Not now too.
    const more = { ...HELD, count: 245, devices: [{ deviceId: 'dev-pixel', name: 'Pixel 8', count: 200 }, { deviceId: 'dev-mac', name: null, count: 45 }] }
    api.syncStatus.mockResolvedValue(status(more))
    events.sync({ kind: 'finished', report: { ...REPORT, pendingDeletions: more } })
    await flushPromises()
    expect(inBody('pending-deletions-question')?.textContent?.trim())
      .toBe('Pixel 8 and 1 other device deleted 245 of 250 images forever — apply?')
    expect(document.body.querySelectorAll('[data-testid="pending-deletions-device"]')).toHaveLength(2)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(inBody('pending-deletions-dialog')).toBeNull()
    expect(api.applyPendingDeletions).not.toHaveBeenCalled()
  })

  it('Apply applies them and says which went to the Trash because their original existed only here', async () => {
    api.syncStatus.mockResolvedValueOnce(status(null))
    await mountApp('/')
    expect(inBody('pending-deletions-dialog')).toBeNull()
    api.syncStatus.mockResolvedValue(status(HELD))
    events.sync({ kind: 'finished', report: { ...REPORT, pendingDeletions: HELD } })
    await flushPromises()
    api.applyPendingDeletions.mockResolvedValue({ deleted: 238, kept: 2 })
    api.syncStatus.mockResolvedValue(status(null))
    inBody('pending-deletions-apply')!.click()
    await flushPromises()
    expect(api.applyPendingDeletions).toHaveBeenCalledTimes(1)
    expect(inBody('pending-deletions-dialog')).toBeNull()
    expect(useToast().current.value?.message)
      .toBe('Deleted 238 images forever. 2 went to the Trash instead: their originals existed only on this device.')
  })

  it('a refused Apply keeps the dialog with the reason, and the deletions held', async () => {
    api.syncStatus.mockResolvedValue(status(HELD))
    await mountApp('/gallery')
    api.applyPendingDeletions.mockRejectedValue(new ApiError({ kind: 'sync_busy', message: 'another sync is running' }))
    inBody('pending-deletions-apply')!.click()
    await flushPromises()
    expect(inBody('pending-deletions-dialog')?.querySelector('[data-testid="sync-error"]')?.textContent)
      .toContain('Could not apply the deletions')
    expect(inBody('pending-deletions-question')?.textContent?.trim()).toBe('Pixel 8 deleted 240 of 250 images forever — apply?')
  })

  it('the window does not ask about held deletions while it waits for paid requests before it closes', async () => {
    api.syncStatus.mockResolvedValue(status(HELD))
    await mountApp('/gallery')
    expect(inBody('pending-deletions-dialog')).not.toBeNull()
    events.emit({ kind: 'quitting', paidRequests: 1 })
    await flushPromises()
    expect(inBody('pending-deletions-dialog')).toBeNull()
    expect(inBody('quitting-overlay')).not.toBeNull()
  })

  it('a sync that claimed an ownerless bucket library for this account says so on any view', async () => {
    await mountApp('/history')
    events.sync({ kind: 'finished', report: { ...REPORT, pendingDeletions: null } })
    await flushPromises()
    expect(useToast().current.value).toBeNull()
    events.sync({ kind: 'finished', report: { ...REPORT, pendingDeletions: null, claimedLibrary: true } })
    await flushPromises()
    expect(useToast().current.value?.message).toContain('it now belongs to this account, and no other account can sync with it')
  })
})
