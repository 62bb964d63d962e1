import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { SyncEvent, SyncSetup, SyncStatus } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

// The Sync card over the src/api boundary: the core's sync commands and its event stream are these mocks.
const api = vi.hoisted(() => ({
  syncSetup: vi.fn(),
  syncStatus: vi.fn(),
  updateSyncSetup: vi.fn(),
  testSyncConnection: vi.fn(),
  syncNow: vi.fn(),
  applyPendingDeletions: vi.fn(),
  onCoreChanged: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { makeI18n } from '@/i18n'
import SyncCard from '@/components/sync/SyncCard.vue'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useSyncStore } from '@/stores/sync'

const SAVED: SyncSetup = {
  endpoint: 'https://acct.r2.cloudflarestorage.com', bucket: 'pictures', region: 'auto', prefix: '', accessKeyId: 'AKID',
  keepOriginals: true, cacheMb: 512, autoSync: true,
}
const STATUS: SyncStatus = {
  configured: true, endpoint: SAVED.endpoint, bucket: 'pictures', prefix: 'nanoforge/local/', deviceId: 'dev-here',
  lastSyncMs: Date.UTC(2026, 10, 25, 9, 30), pendingUploads: 3, pendingDownloads: 1,
  devices: [{ id: 'dev-pixel', name: 'Pixel 8', platform: 'android', lastSeenMs: Date.UTC(2026, 10, 25, 8) }],
  pendingDeletions: null,
}
const REPORT = {
  uploadedFiles: 3, downloadedFiles: 1, deletedFiles: 0, opsPushed: 5, opsPulled: 2, segmentsPushed: 1, segmentsPulled: 1,
  newImages: 1, filesLeft: 0, durationMs: 2100, pendingDeletions: null, claimedLibrary: false,
}

let events: FakeCoreEvents
/** A sync event of the open profile, as the core's stream sends it. */
const emit = (e: SyncEvent) => events.sync(e)

async function mountCard() {
  setActivePinia(createPinia())
  // The app follows the core's stream from the start (App.vue); the card shows what the store heard.
  useSyncStore()
  await useCoreEventsStore().start()
  const w = mount(SyncCard, { global: { plugins: [makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return w
}
const byId = (id: string) => `[data-testid="${id}"]`
const input = (w: Awaited<ReturnType<typeof mountCard>>, id: string) => w.get(byId(id)).element as HTMLInputElement

describe('Sync card', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    api.syncSetup.mockResolvedValue({ ...SAVED })
    api.syncStatus.mockResolvedValue(structuredClone(STATUS))
    api.updateSyncSetup.mockResolvedValue(structuredClone(STATUS))
    api.testSyncConnection.mockResolvedValue(undefined)
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
  })

  it('fills the fields from the saved settings; the secret box is a password box that starts empty', async () => {
    const w = await mountCard()
    expect(input(w, 'sync-endpoint').value).toBe(SAVED.endpoint)
    expect(input(w, 'sync-bucket').value).toBe('pictures')
    expect(input(w, 'sync-region').value).toBe('auto')
    expect(input(w, 'sync-access-key-id').value).toBe('AKID')
    expect(input(w, 'sync-keep-originals').checked).toBe(true)
    expect(input(w, 'sync-cache').disabled).toBe(true)
    expect(input(w, 'sync-auto').checked).toBe(true)
    const secret = input(w, 'sync-secret')
    expect(secret.type).toBe('password')
    expect(secret.value).toBe('')
    expect(secret.placeholder).toContain('Stored in the keychain')
    // An empty folder is the profile's own, which the core names once it is set up.
    expect(input(w, 'sync-prefix').placeholder).toContain('this profile’s own folder')
    expect(w.get(byId('sync-prefix-in-use')).text()).toBe('In use: nanoforge/local/')
    w.unmount()
  })

  it('shows where sync stands: last sync, what waits, and the other devices', async () => {
    const w = await mountCard()
    expect(w.get(byId('sync-location')).text()).toContain('pictures · nanoforge/local/')
    expect(w.get(byId('sync-last')).text()).toContain('Last synced')
    expect(w.get(byId('sync-pending')).text()).toBe('To upload: 3 · to download: 1')
    const device = w.get(byId('sync-device'))
    expect(device.text()).toContain('Pixel 8')
    expect(device.text()).toContain('android')
    expect(device.text()).toContain('last seen')
    w.unmount()
  })

  it('saves without a secret unless one was typed, and never shows a typed one again', async () => {
    const w = await mountCard()
    await w.get(byId('sync-region')).setValue('eu')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.updateSyncSetup).toHaveBeenLastCalledWith({ ...SAVED, region: 'eu' }, null)
    expect(w.get(byId('sync-saved')).text()).toBe('Saved')

    await w.get(byId('sync-secret')).setValue('  s3cret-value ')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.updateSyncSetup).toHaveBeenLastCalledWith({ ...SAVED, region: 'eu' }, 's3cret-value')
    expect(input(w, 'sync-secret').value).toBe('')
    expect(w.html()).not.toContain('s3cret-value')
    w.unmount()
  })

  it('another endpoint, bucket or access key ID needs the secret again: the field says why, and nothing is sent without it', async () => {
    const w = await mountCard()
    // Region, folder and the device's choices keep the saved secret.
    await w.get(byId('sync-region')).setValue('eu')
    await w.get(byId('sync-endpoint')).setValue(`${SAVED.endpoint}/`)
    expect(w.find(byId('sync-secret-again')).exists()).toBe(false)
    expect(input(w, 'sync-secret').required).toBe(false)

    for (const [field, value] of [['sync-bucket', 'photos'], ['sync-access-key-id', 'AKID2'], ['sync-endpoint', 'https://other.r2.cloudflarestorage.com']]) {
      await w.get(byId('sync-discard')).trigger('click')
      await w.get(byId(field)).setValue(value)
      expect(input(w, 'sync-secret').required).toBe(true)
      expect(w.get(byId('sync-secret-again')).text()).toContain('type the secret access key again')
      expect(input(w, 'sync-secret').placeholder).toBe('Type it again for this location')
    }
    await w.get('form').trigger('submit')
    await w.get(byId('sync-test')).trigger('click')
    await flushPromises()
    expect(api.updateSyncSetup).not.toHaveBeenCalled()
    expect(api.testSyncConnection).not.toHaveBeenCalled()
    const missing = w.get(byId('sync-secret-again'))
    expect(missing.attributes('data-missing')).toBe('true')
    expect(missing.classes()).toContain('field-error')
    expect(missing.attributes('role')).toBe('alert')
    // The box's general hint no longer offers to keep the stored secret.
    expect(w.get('#sync-secret-hint').text()).not.toContain('Leave empty')
    expect(input(w, 'sync-secret').getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(input(w, 'sync-secret'))

    await w.get(byId('sync-secret')).setValue('new-secret')
    expect(w.get(byId('sync-secret-again')).attributes('data-missing')).toBe('false')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.updateSyncSetup).toHaveBeenLastCalledWith(
      { ...SAVED, endpoint: 'https://other.r2.cloudflarestorage.com' }, 'new-secret')
    w.unmount()
  })

  it('the core\'s refusals of another account\'s library and of a secret typed for elsewhere read as what to do', async () => {
    const w = await mountCard()
    emit({ kind: 'failed', error: { kind: 'sync_other_account', message: "the library at 'nanoforge/x/' belongs to another account (g-bob)" } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('holds another account’s library, so nothing was synced')
    emit({ kind: 'failed', error: { kind: 'sync_secret_required', message: 'the saved secret access key belongs to another endpoint' } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('type the secret access key again for this one')
    w.unmount()
  })

  it('tests the typed settings; a refusal reads as what to do, by its kind', async () => {
    const w = await mountCard()
    await w.get(byId('sync-access-key-id')).setValue('WRONG')
    await w.get(byId('sync-secret')).setValue('typed-secret')
    api.testSyncConnection.mockRejectedValueOnce(new ApiError({ kind: 'sync_credentials', message: 'the bucket refused the access key: check the access key id and the secret (403)' }))
    await w.get(byId('sync-test')).trigger('click')
    await flushPromises()
    expect(api.testSyncConnection).toHaveBeenCalledWith({ ...SAVED, accessKeyId: 'WRONG' }, 'typed-secret')
    const error = w.get(byId('sync-error'))
    expect(error.attributes('data-kind')).toBe('sync_credentials')
    expect(error.text()).toContain('check the access key ID and the secret access key')
    expect(error.get(byId('sync-error-detail')).text()).toContain('(403)')
    expect(api.updateSyncSetup).not.toHaveBeenCalled()

    api.testSyncConnection.mockRejectedValueOnce(new ApiError({ kind: 'sync_bucket_missing', message: "there is no bucket 'x'" }))
    await w.get(byId('sync-test')).trigger('click')
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('check the bucket name')

    await w.get(byId('sync-test')).trigger('click')
    await flushPromises()
    expect(w.get(byId('sync-test-ok')).text()).toContain('Connected')
    w.unmount()
  })

  it('Sync now follows the core\'s events: stage and progress, then the result', async () => {
    let answer: (r: typeof REPORT) => void = () => {}
    api.syncNow.mockImplementation(() => new Promise((resolve) => { answer = resolve }))
    const w = await mountCard()
    await w.get(byId('sync-now')).trigger('click')
    emit({ kind: 'started' })
    emit({ kind: 'progress', progress: { stage: 'uploading', done: 1, total: 4, bytes: 1000 } })
    await flushPromises()
    expect(w.get(byId('sync-progress')).attributes('data-stage')).toBe('uploading')
    expect(w.get(byId('sync-stage')).text()).toBe('Uploading images · 1 of 4')
    expect(w.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('25')
    expect(w.get(byId('sync-now')).attributes('disabled')).toBeDefined()
    emit({ kind: 'finished', report: REPORT })
    answer(REPORT)
    await flushPromises()
    expect(w.find(byId('sync-progress')).exists()).toBe(false)
    expect(w.get(byId('sync-result')).text()).toContain('3 uploaded, 1 downloaded, 1 new images')
    w.unmount()
  })

  it('a failed sync (an automatic one too) says what to do by its kind', async () => {
    const w = await mountCard()
    emit({ kind: 'started' })
    emit({ kind: 'failed', error: { kind: 'sync_format_too_new', message: 'the bucket holds a library written by a newer Nanoforge (format 3)' } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('update Nanoforge')
    emit({ kind: 'failed', error: { kind: 'clock_skew', message: 'RequestTimeTooSkewed' } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('set the date and time')
    emit({ kind: 'failed', error: { kind: 'network', message: 'connection refused' } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('could not be reached')
    emit({ kind: 'failed', error: { kind: 'sync_read_only', message: 'AccessDenied on PUT' } })
    await flushPromises()
    expect(w.get(byId('sync-error')).text()).toContain('Object Read & Write')
    w.unmount()
  })

  it('Sync now waits for unsaved changes to be saved', async () => {
    const w = await mountCard()
    expect(w.get(byId('sync-now')).attributes('disabled')).toBeUndefined()
    await w.get(byId('sync-region')).setValue('eu')
    expect(w.get(byId('sync-now')).attributes('disabled')).toBeDefined()
    await w.get(byId('sync-discard')).trigger('click')
    expect(w.get(byId('sync-now')).attributes('disabled')).toBeUndefined()
    w.unmount()
  })

  it('reads where sync stands (and its setup) again when the library says its sync state changed', async () => {
    const w = await mountCard()
    api.syncStatus.mockResolvedValue({ ...structuredClone(STATUS), pendingUploads: 9 })
    api.syncSetup.mockResolvedValue({ ...SAVED, bucket: 'saved-by-the-cli' })
    events.library({ stats: true })
    await flushPromises()
    expect(api.syncStatus).toHaveBeenCalledTimes(1)
    events.library({ sync: true })
    await flushPromises()
    expect(w.get(byId('sync-pending')).text()).toBe('To upload: 9 · to download: 1')
    // The form had no edits: the setup saved elsewhere shows.
    expect(input(w, 'sync-bucket').value).toBe('saved-by-the-cli')
    w.unmount()
  })

  it('a setup that cannot be read back says so with the core\'s message', async () => {
    api.syncSetup.mockRejectedValue(new ApiError({ kind: 'unreadable', message: 'the saved sync setup is not valid JSON (line 1)' }))
    const w = await mountCard()
    expect(w.text()).toContain('the saved sync setup is not valid JSON (line 1)')
    // Where sync stands still shows.
    expect(w.get(byId('sync-pending')).text()).toBe('To upload: 3 · to download: 1')
    w.unmount()
  })

  it('Sync status shows another device\'s held deletions with Apply, and what Apply did', async () => {
    const held = {
      count: 30, librarySize: 40,
      devices: [{ deviceId: 'dev-pixel', name: null, count: 20 }, { deviceId: 'dev-mac', name: 'Studio iMac', count: 10 }],
    }
    api.syncStatus.mockResolvedValue({ ...structuredClone(STATUS), pendingDeletions: held })
    const w = await mountCard()
    const panel = w.get(byId('pending-deletions-panel'))
    // The device without a name of its own goes by the name sync knows it by.
    expect(panel.get(byId('pending-deletions-question')).text())
      .toBe('Pixel 8 and 1 other device deleted 30 of 40 images forever — apply?')
    expect(panel.text()).toContain('Held back until you apply them.')
    expect(panel.find(byId('pending-deletions-later')).exists()).toBe(false)

    api.applyPendingDeletions.mockResolvedValue({ deleted: 30, kept: 0 })
    api.syncStatus.mockResolvedValue(structuredClone(STATUS))
    await panel.get(byId('pending-deletions-apply')).trigger('click')
    await flushPromises()
    expect(w.find(byId('pending-deletions-panel')).exists()).toBe(false)
    expect(w.get(byId('pending-applied')).text()).toBe('Deleted 30 images forever.')
    w.unmount()
  })

  it('a refused Apply keeps the deletions held and says why', async () => {
    api.syncStatus.mockResolvedValue({ ...structuredClone(STATUS), pendingDeletions: { count: 12, librarySize: 13, devices: [] } })
    api.applyPendingDeletions.mockRejectedValue(new ApiError({ kind: 'sync_busy', message: 'another sync is running' }))
    const w = await mountCard()
    expect(w.get(byId('pending-deletions-question')).text()).toBe('Another device deleted 12 of 13 images forever — apply?')
    await w.get(byId('pending-deletions-apply')).trigger('click')
    await flushPromises()
    const panel = w.get(byId('pending-deletions-panel'))
    expect(panel.get(byId('sync-error')).text()).toContain('Another sync of this library is running')
    expect(w.find(byId('pending-applied')).exists()).toBe(false)
    w.unmount()
  })

  it('a sync that claimed an ownerless bucket library says this account owns it now', async () => {
    const w = await mountCard()
    expect(w.find(byId('sync-claimed')).exists()).toBe(false)
    emit({ kind: 'started' })
    emit({ kind: 'finished', report: { ...REPORT, claimedLibrary: true } })
    await flushPromises()
    expect(w.get(byId('sync-claimed')).text()).toContain('it now belongs to this account')
    emit({ kind: 'finished', report: REPORT })
    await flushPromises()
    expect(w.find(byId('sync-claimed')).exists()).toBe(false)
    w.unmount()
  })

  it('hears sync events from the app\'s one subscription, which stops with the app, not with the card', async () => {
    const w = await mountCard()
    expect(api.onCoreChanged).toHaveBeenCalledTimes(1)
    w.unmount()
    expect(events.unlisten).not.toHaveBeenCalled()
    useCoreEventsStore().stop()
    expect(events.unlisten).toHaveBeenCalledTimes(1)
  })
})
