import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ApiKeyStatus, IntegrityReport, Settings } from '@/api'

// Settings is tested over the src/api boundary: the Rust side is these mocks.
const api = vi.hoisted(() => ({
  getSettings: vi.fn(),
  keyStatus: vi.fn(),
  setKey: vi.fn(),
  clearKey: vi.fn(),
  updateSettings: vi.fn(),
  libraryStats: vi.fn(),
  checkLibrary: vi.fn(),
  emptyTrash: vi.fn(),
  revealLibrary: vi.fn(),
  accountsState: vi.fn(),
  switchProfile: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, type AccountsState, type ProfileSummary } from '@/api'
import { makeI18n } from '@/i18n'
import { useAppStore } from '@/stores/app'
import SettingsView from '@/views/SettingsView.vue'

const SETTINGS: Settings = {
  defaultModel: 'nano-banana',
  defaultSize: 'quality',
  defaultAspectRatio: '1:1',
  defaultCount: 1,
  prices: { fast: 0.005, balanced: 0.01, quality: 0.0125, ultra: 0.045 },
  concurrency: 4,
  notifyWhenDone: true,
}
const NO_KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const totals = { images: 42, imageBytes: 3 * 1024 * 1024, jobs: 36, completedJobs: 34, failedJobs: 2, totalCost: 1, avgDurationMs: 900, successRate: 0.94 }
const report = (over: Partial<IntegrityReport> = {}): IntegrityReport => ({
  imagesChecked: 42, missingOriginals: [], missingThumbnails: [], orphanFiles: [], repaired: false,
  rowsRemoved: 0, filesRemoved: 0, thumbnailsRegenerated: 0, ...over,
})

const LOCAL: ProfileSummary = {
  id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true,
}
const ADA: ProfileSummary = {
  id: 'g-ada', kind: 'google', displayName: 'Ada Lovelace', email: 'ada@example.com', name: 'Ada Lovelace',
  issuer: 'https://accounts.google.com', emailVerified: true, current: false,
}
const accountsState = (current: ProfileSummary): AccountsState => ({
  current: { ...current, current: true },
  profiles: [LOCAL, ADA].map((p) => ({ ...p, current: p.id === current.id })),
  signInConfigured: true,
  issuer: 'https://accounts.google.com',
})

async function mountSettings() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useAppStore().info = { version: '1.2.3', profileId: 'local', dataDir: '/data', jobCount: 36 }
  const router = createRouter({ history: createMemoryHistory(), routes: ['/settings', '/login'].map((path) => ({ path, name: path.slice(1), component: { template: '<div />' } })) })
  await router.push('/settings')
  const wrapper = mount(SettingsView, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}
const byId = (id: string) => `[data-testid="${id}"]`

describe('settings view', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    api.getSettings.mockResolvedValue(structuredClone(SETTINGS))
    api.keyStatus.mockResolvedValue(NO_KEY)
    api.updateSettings.mockImplementation(async (s: Settings) => s)
    api.libraryStats.mockResolvedValue({ totals, thisMonth: totals, perDay: [], perSize: [], activeJobs: 0, trashedImages: 3 })
    api.accountsState.mockResolvedValue(accountsState(LOCAL))
  })

  it('says when no key is set, then saves a key through the core and shows it masked', async () => {
    const w = await mountSettings()
    expect(w.get(byId('api-key-status')).text()).toContain('Not set')
    api.setKey.mockResolvedValue({ purpose: 'nanoBananaKey', configured: true, masked: '••••••••1234', source: 'keychain', provider: 'nanobanana', keychainError: null })

    await w.get(byId('api-key-input')).setValue('  sk-secret-1234 ')
    await w.get(byId('api-key-save')).trigger('submit')
    await flushPromises()

    expect(api.setKey).toHaveBeenCalledWith('nanoBananaKey', 'sk-secret-1234')
    const status = w.get(byId('api-key-status')).text()
    expect(status).toContain('••••••••1234')
    expect(status).toContain('keychain')
    expect(status).not.toContain('sk-secret')
    expect((w.get(byId('api-key-input')).element as HTMLInputElement).value).toBe('')
    w.unmount()
  })

  it('shows the typed message when the core refuses the key, and keeps what was typed', async () => {
    const w = await mountSettings()
    api.setKey.mockRejectedValue(new ApiError({ kind: 'keychain', message: 'the OS keychain is locked' }))

    await w.get(byId('api-key-input')).setValue('sk-1')
    await w.get('form').trigger('submit')
    await flushPromises()

    expect(w.get(byId('api-key-error')).text()).toBe('the OS keychain is locked')
    expect(w.get(byId('api-key-status')).text()).toContain('Not set')
    expect((w.get(byId('api-key-input')).element as HTMLInputElement).value).toBe('sk-1')
    w.unmount()
  })

  it('cannot save an empty key and cannot remove a key from the environment', async () => {
    api.keyStatus.mockResolvedValue({ purpose: 'nanoBananaKey', configured: true, masked: '••••••••abcd', source: 'environment', provider: 'nanobanana', keychainError: null })
    const w = await mountSettings()
    expect(w.get(byId('api-key-status')).text()).toContain('environment variable')
    expect(w.get(byId('api-key-save')).attributes('disabled')).toBeDefined()
    expect(w.get(byId('api-key-clear')).attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('says why the keychain could not be read', async () => {
    api.keyStatus.mockResolvedValue({ ...NO_KEY, keychainError: 'secret service is locked' })
    const w = await mountSettings()
    expect(w.get(byId('api-key-keychain-error')).text()).toContain('secret service is locked')
    expect(w.get(byId('api-key-status')).text()).toContain('Not set')
    w.unmount()
  })

  it('saves the edited defaults and prices and confirms', async () => {
    const w = await mountSettings()
    await w.get(byId('settings-price-quality')).setValue('0.02')
    await w.get(byId('settings-concurrency')).setValue('2')
    await w.get(byId('settings-default-size')).setValue('ultra')
    await w.get(byId('settings-default-model')).setValue('nano-banana-pro')
    await w.get(byId('settings-default-ratio')).setValue('auto')
    await w.get(byId('settings-save')).trigger('submit')
    await flushPromises()

    expect(api.updateSettings).toHaveBeenCalledTimes(1)
    expect(api.updateSettings.mock.calls[0][0]).toEqual({
      ...SETTINGS,
      defaultModel: 'nano-banana-pro',
      defaultSize: 'ultra',
      defaultAspectRatio: 'auto',
      concurrency: 2,
      prices: { ...SETTINGS.prices, quality: 0.02 },
    })
    expect(w.find(byId('settings-saved')).exists()).toBe(true)
    w.unmount()
  })

  it('resets a ratio the new model does not accept', async () => {
    const w = await mountSettings()
    await w.get(byId('settings-default-model')).setValue('nano-banana-pro')
    await w.get(byId('settings-default-ratio')).setValue('auto')
    await w.get(byId('settings-default-model')).setValue('nano-banana')
    expect((w.get(byId('settings-default-ratio')).element as HTMLSelectElement).value).toBe('1:1')
    w.unmount()
  })

  it('shows the core\'s validation error and no confirmation when it refuses', async () => {
    const w = await mountSettings()
    api.updateSettings.mockRejectedValue(new ApiError({ kind: 'invalid_input', message: 'concurrency must be between 1 and 8' }))
    await w.get(byId('settings-save')).trigger('submit')
    await flushPromises()
    expect(w.get(byId('settings-error')).text()).toBe('concurrency must be between 1 and 8')
    expect(w.find(byId('settings-saved')).exists()).toBe(false)
    w.unmount()
  })

  it('blocks saving a negative price or out-of-range concurrency before asking the core', async () => {
    const w = await mountSettings()
    await w.get(byId('settings-price-fast')).setValue('-1')
    expect(w.get(byId('settings-error')).text()).toContain('0 or more')
    expect(w.get(byId('settings-save')).attributes('disabled')).toBeDefined()
    await w.get(byId('settings-price-fast')).setValue('0.01')
    await w.get(byId('settings-concurrency')).setValue('9')
    expect(w.get(byId('settings-error')).text()).toContain('1 to 8')
    await w.get('form.defaults').trigger('submit')
    expect(api.updateSettings).not.toHaveBeenCalled()
    w.unmount()
  })

  it('shows the library location, disk use and trash, and empties the trash only after confirming', async () => {
    const w = await mountSettings()
    expect(w.get(byId('library-location')).text()).toBe('/data')
    expect(w.get(byId('library-disk-use')).text()).toContain('3.0 MB')
    expect(w.get(byId('library-disk-use')).text()).toContain('42 images')
    expect(w.get(byId('trash-count')).text()).toBe('3 images in the trash')

    api.emptyTrash.mockResolvedValue(3)
    await w.get(byId('empty-trash')).trigger('click')
    expect(api.emptyTrash).not.toHaveBeenCalled()
    api.libraryStats.mockResolvedValue({ totals, thisMonth: totals, perDay: [], perSize: [], activeJobs: 0, trashedImages: 0 })
    await w.get(byId('empty-trash-confirm')).trigger('click')
    await flushPromises()
    expect(api.emptyTrash).toHaveBeenCalledTimes(1)
    expect(w.get(byId('trash-count')).text()).toBe('0 images in the trash')
    expect(w.get(byId('empty-trash')).attributes('disabled')).toBeDefined()

    await w.get(byId('library-reveal')).trigger('click')
    expect(api.revealLibrary).toHaveBeenCalled()
    w.unmount()
  })

  it('checks the library, lists what is wrong and repairs on request', async () => {
    const w = await mountSettings()
    api.checkLibrary.mockResolvedValueOnce(report({ missingOriginals: ['img-1'], orphanFiles: ['originals/x.png'] }))
    await w.get(byId('check-library')).trigger('click')
    await flushPromises()
    expect(api.checkLibrary).toHaveBeenLastCalledWith(false)
    const text = w.get(byId('library-report')).text()
    expect(text).toContain('Missing originals')
    expect(text).toContain('Stray files')
    expect(text).not.toContain('Missing thumbnails')

    api.checkLibrary.mockResolvedValueOnce(report({ repaired: true, rowsRemoved: 1, filesRemoved: 1 }))
    await w.get(byId('repair-library')).trigger('click')
    await flushPromises()
    expect(api.checkLibrary).toHaveBeenLastCalledWith(true)
    expect(w.get(byId('library-report')).text()).toContain('1 records removed')
    w.unmount()
  })

  it('shows the open profile in the Account card, with a way to sign in and the other libraries', async () => {
    const w = await mountSettings()
    const account = w.get(byId('account-section'))
    expect(account.get(byId('account-card-name')).text()).toBe('Local library')
    expect(account.get(byId('account-card-kind')).attributes('data-kind')).toBe('local')
    expect(account.get(byId('account-card-kind')).text()).toBe('Not signed in')
    expect(account.get(byId('account-card-signin')).text()).toContain('Add another account')
    expect(account.find(byId('account-card-signout')).exists()).toBe(false)
    expect(account.find(byId('account-card-remove')).exists()).toBe(false)
    const others = account.findAll(byId('account-card-other'))
    expect(others.map((o) => o.attributes('data-id'))).toEqual(['g-ada'])
    expect(others[0].text()).toContain('ada@example.com')
    w.unmount()
  })

  it('shows a Google account with its email, provider and the actions of an account', async () => {
    api.accountsState.mockResolvedValue(accountsState(ADA))
    const w = await mountSettings()
    const account = w.get(byId('account-section'))
    expect(account.get(byId('account-card-name')).text()).toBe('Ada Lovelace')
    expect(account.get(byId('account-card-kind')).text()).toBe('Google account')
    expect(account.get(byId('account-card-email')).text()).toContain('ada@example.com')
    expect(account.get(byId('account-card-email')).text()).toContain('verified')
    expect(account.get(byId('account-card-issuer')).text()).toBe('accounts.google.com')
    expect(account.find(byId('account-card-signout')).exists()).toBe(true)
    expect(account.find(byId('account-card-remove')).exists()).toBe(true)
    // The local library is listed to open, and can never be removed.
    const local = account.get(`${byId('account-card-other')}[data-id="local"]`)
    expect(local.find(byId('account-card-remove-other')).exists()).toBe(false)
    w.unmount()
  })

  it('offers an honest placeholder for sync with no controls, and shows the version', async () => {
    const w = await mountSettings()
    expect(w.get(byId('sync-section')).text()).toContain('Cloudflare R2')
    expect(w.get(byId('sync-section')).findAll('button, input, select')).toHaveLength(0)
    expect(w.get(byId('core-version')).text()).toBe('1.2.3')
    w.unmount()
  })
})
