import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ApiKeyStatus, IntegrityReport, Preferences } from '@/api'

// Settings is tested over the src/api boundary: the Rust side is these mocks.
const api = vi.hoisted(() => ({
  getPreferences: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
  setKey: vi.fn(),
  clearKey: vi.fn(),
  updatePreferences: vi.fn(),
  libraryStats: vi.fn(),
  checkLibrary: vi.fn(),
  emptyTrash: vi.fn(),
  revealLibrary: vi.fn(),
  accountsState: vi.fn(),
  switchProfile: vi.fn(),
  catalog: vi.fn(),
  budgetStatus: vi.fn(),
  syncSetup: vi.fn(),
  syncStatus: vi.fn(),
  onCoreChanged: vi.fn(),
  signInClient: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, type AccountsState, type ProfileSummary } from '@/api'
import { MOCK_CATALOG } from '@/mocks/catalog'
import { makeI18n } from '@/i18n'
import { useAppStore } from '@/stores/app'
import SettingsView from '@/views/SettingsView.vue'
import { providersFromKeys } from './jobs-fixtures'

const SETTINGS: Preferences = {
  defaultModel: 'nano-banana-2',
  defaultSize: '1K',
  defaultAspectRatio: '1:1',
  defaultCount: 1,
  priceOverrides: [{ model: 'nano-banana-pro', size: '4K', usd: 0.2 }],
  monthlyBudgetUsd: null,
  creditsPerImage: null,
  recoveryWindowDays: 14,
  concurrency: 4,
  notifyWhenDone: true,
}
const NO_KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const totals = {
  images: 42, imageBytes: 3 * 1024 * 1024, jobs: 36, completedJobs: 34, failedJobs: 2, totalCost: 1, possibleCost: 0,
  recoverableJobs: 0, avgDurationMs: 900, successRate: 0.94,
}
const report = (over: Partial<IntegrityReport> = {}): IntegrityReport => ({
  imagesChecked: 42, missingOriginals: [], missingThumbnails: [], orphanFiles: [], remoteOriginals: 0, repaired: false,
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
  useAppStore().info = { version: '1.2.3', profileId: 'local', imageUrlKey: 'key-local', dataDir: '/data', jobCount: 36, welcomeDismissed: true }
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
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    api.getPreferences.mockResolvedValue(structuredClone(SETTINGS))
    api.keyStatus.mockResolvedValue(NO_KEY)
    api.updatePreferences.mockImplementation(async (s: Preferences) => s)
    api.libraryStats.mockResolvedValue({ totals, thisMonth: totals, perDay: [], perSize: [], activeJobs: 0, trashedImages: 3 })
    api.accountsState.mockResolvedValue(accountsState(LOCAL))
    api.catalog.mockResolvedValue(MOCK_CATALOG)
    api.budgetStatus.mockResolvedValue({ limitUsd: null, month: '2026-11', spentConfirmed: 1.5, spentPossible: 0.25, level: 'off' })
    api.syncSetup.mockResolvedValue({ endpoint: '', bucket: '', region: 'auto', prefix: '', accessKeyId: '', keepOriginals: true, cacheMb: 512, autoSync: true })
    api.syncStatus.mockResolvedValue({ configured: false, endpoint: null, bucket: null, prefix: null, deviceId: 'dev-1', lastSyncMs: null, pendingUploads: 0, pendingDownloads: 0, devices: [] })
    api.onCoreChanged.mockResolvedValue(() => {})
    api.signInClient.mockResolvedValue({ clientId: '1234.apps.googleusercontent.com', source: 'build', hasSecret: true, issuer: 'https://accounts.google.com' })
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
    await w.get(byId('key-card-nanoBananaKey')).get('form').trigger('submit')
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

  it('offers the catalog\'s models, sizes and ratios and saves the edited defaults', async () => {
    const w = await mountSettings()
    const options = (id: string) => w.findAll(`${byId(id)} option`).map((o) => o.text())
    expect(options('settings-default-model')).toEqual([
      'Nano Banana 2', 'Nano Banana Pro', 'Nano Banana',
      'Nano Banana 2 (Gemini)', 'Nano Banana Pro (Gemini)', 'Nano Banana (Gemini)', 'Nano Banana 2 Lite (Gemini)',
    ])
    expect(options('settings-default-size')).toEqual(['1K', '2K', '4K'])
    await w.get(byId('settings-concurrency')).setValue('2')
    await w.get(byId('settings-default-model')).setValue('nano-banana-pro')
    await w.get(byId('settings-default-size')).setValue('2K')
    await w.get(byId('settings-default-ratio')).setValue('auto')
    await w.get(byId('settings-default-count')).setValue('3')
    await w.get(byId('settings-save')).trigger('submit')
    await flushPromises()

    expect(api.updatePreferences).toHaveBeenCalledTimes(1)
    expect(api.updatePreferences.mock.calls[0][0]).toEqual({
      ...SETTINGS, defaultModel: 'nano-banana-pro', defaultSize: '2K', defaultAspectRatio: 'auto', defaultCount: 3, concurrency: 2,
    })
    expect(w.find(byId('settings-saved')).exists()).toBe(true)
    w.unmount()
  })

  it('keeps the size and ratio a new default model offers, else takes its defaults', async () => {
    const w = await mountSettings()
    await w.get(byId('settings-default-model')).setValue('nano-banana-pro')
    await w.get(byId('settings-default-size')).setValue('4K')
    await w.get(byId('settings-default-ratio')).setValue('auto')
    await w.get(byId('settings-default-model')).setValue('nano-banana')
    expect((w.get(byId('settings-default-size')).element as HTMLSelectElement).value).toBe('1K')
    expect((w.get(byId('settings-default-ratio')).element as HTMLSelectElement).value).toBe('1:1')
    w.unmount()
  })

  it('leaves the limits to the core and shows its typed refusal; a blank number is caught first', async () => {
    const w = await mountSettings()
    api.updatePreferences.mockRejectedValue(new ApiError({ kind: 'invalid_input', message: 'concurrency must be between 1 and 8' }))
    await w.get(byId('settings-concurrency')).setValue('9')
    expect(w.find(byId('settings-error')).exists()).toBe(false)
    await w.get(byId('settings-save')).trigger('submit')
    await flushPromises()
    expect(api.updatePreferences.mock.calls[0][0].concurrency).toBe(9)
    expect(w.get(byId('settings-error')).text()).toBe('concurrency must be between 1 and 8')
    expect(w.find(byId('settings-saved')).exists()).toBe(false)

    await w.get(byId('settings-concurrency')).setValue('')
    expect(w.get(byId('settings-error')).text()).toContain('whole number')
    expect(w.get(byId('settings-save')).attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('lists every model\'s prices from the catalog, marks estimates, saves overrides and resets them', async () => {
    const w = await mountSettings()
    const prices = w.get(byId('settings-prices'))
    expect(prices.findAll('fieldset').map((f) => f.attributes('data-model'))).toEqual([
      'nano-banana-2', 'nano-banana-pro', 'nano-banana',
      'gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-2.5-flash-image', 'gemini-3.1-flash-lite-image',
    ])
    expect(prices.get('[data-model="nano-banana-2"]').text()).toContain('estimate')
    const nb2k = w.get(byId('price-nano-banana-2-2K'))
    expect(nb2k.attributes('placeholder')).toBe('0.101')
    expect((nb2k.element as HTMLInputElement).value).toBe('')
    expect(w.get('#price-nano-banana-2-2K-default').text()).toBe('Default $0.101 (estimate)')
    // The person's own price shows as theirs, with a way back to the default.
    expect((w.get(byId('price-nano-banana-pro-4K')).element as HTMLInputElement).value).toBe('0.2')

    await nb2k.setValue('0.05')
    await w.get(byId('price-nano-banana-pro-4K-reset')).trigger('click')
    await w.get(byId('prices-save')).trigger('submit')
    await flushPromises()
    expect(api.updatePreferences.mock.calls[0][0]).toEqual({
      ...SETTINGS, priceOverrides: [{ model: 'nano-banana-2', size: '2K', usd: 0.05 }],
    })
    expect(w.find(byId('prices-saved')).exists()).toBe(true)
    expect(w.get('#price-nano-banana-2-2K-default').text()).toContain('Reset to $0.101')
    w.unmount()
  })

  it('sets a monthly budget, credits per image and the recovery window', async () => {
    const w = await mountSettings()
    expect(w.find(byId('settings-budget')).exists()).toBe(false)
    await w.get(byId('settings-budget-on')).setValue(true)
    expect(w.get(byId('money-error')).text()).toContain('Enter the monthly budget')
    await w.get(byId('settings-budget')).setValue('25')
    await w.get(byId('settings-credits-per-image')).setValue('2')
    await w.get(byId('settings-recovery-days')).setValue('30')
    await w.get(byId('money-save')).trigger('submit')
    await flushPromises()
    expect(api.updatePreferences.mock.calls[0][0]).toEqual({ ...SETTINGS, monthlyBudgetUsd: 25, creditsPerImage: 2, recoveryWindowDays: 30 })

    api.updatePreferences.mockRejectedValueOnce(new ApiError({ kind: 'invalid_input', message: 'the recovery window must be between 1 and 60 days' }))
    await w.get(byId('settings-recovery-days')).setValue('90')
    await w.get(byId('money-save')).trigger('submit')
    await flushPromises()
    expect(w.get(byId('money-error')).text()).toBe('the recovery window must be between 1 and 60 days')

    await w.get(byId('settings-recovery-days')).setValue('30')
    await w.get(byId('settings-budget-on')).setValue(false)
    await w.get(byId('settings-credits-per-image')).setValue('')
    await w.get(byId('money-save')).trigger('submit')
    await flushPromises()
    expect(api.updatePreferences.mock.calls.at(-1)?.[0]).toMatchObject({ monthlyBudgetUsd: null, creditsPerImage: null, recoveryWindowDays: 30 })
    w.unmount()
  })

  it('one card\'s save keeps another card\'s saved fields', async () => {
    const w = await mountSettings()
    await w.get(byId('settings-budget-on')).setValue(true)
    await w.get(byId('settings-budget')).setValue('10')
    await w.get(byId('money-save')).trigger('submit')
    await flushPromises()
    await w.get(byId('settings-concurrency')).setValue('3')
    await w.get(byId('settings-save')).trigger('submit')
    await flushPromises()
    expect(api.updatePreferences.mock.calls[1][0]).toMatchObject({ monthlyBudgetUsd: 10, concurrency: 3 })
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

  it('says originals kept in the sync bucket are not missing', async () => {
    const w = await mountSettings()
    api.checkLibrary.mockResolvedValueOnce(report({ remoteOriginals: 7 }))
    await w.get(byId('check-library')).trigger('click')
    await flushPromises()
    expect(w.get(byId('library-remote-originals')).text()).toBe('7 originals are kept in your sync bucket and open from there.')
    expect(w.get(byId('library-report')).text()).not.toContain('Missing originals')
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

  it('has a key card per provider: a Gemini key is saved under its own purpose and the providers are asked again', async () => {
    const w = await mountSettings()
    const gemini = w.get(byId('key-card-geminiKey'))
    expect(gemini.text()).toContain('Google Gemini API key')
    expect(gemini.get(byId('api-key-status')).text()).toContain('Not set')
    api.setKey.mockResolvedValue({ purpose: 'geminiKey', configured: true, masked: '••••••••5678', source: 'keychain', provider: 'gemini', keychainError: null })
    const asked = api.availableProviders.mock.calls.length
    await gemini.get(byId('api-key-input')).setValue('AIza-secret-5678')
    await gemini.get('form').trigger('submit')
    await flushPromises()
    expect(api.setKey).toHaveBeenCalledWith('geminiKey', 'AIza-secret-5678')
    expect(gemini.get(byId('api-key-status')).text()).toContain('••••••••5678')
    expect(gemini.get(byId('api-key-notice')).text()).toContain('Gemini models can be chosen')
    // The Nano Banana card did not change.
    expect(w.get(byId('key-card-nanoBananaKey')).get(byId('api-key-status')).text()).toContain('Not set')
    expect(api.availableProviders.mock.calls.length).toBe(asked + 1)
    w.unmount()
  })

  it('shows this month against the budget, confirmed and possibly charged', async () => {
    api.budgetStatus.mockResolvedValue({ limitUsd: 2, month: '2026-11', spentConfirmed: 1.5, spentPossible: 0.25, level: 'warning' })
    const w = await mountSettings()
    const status = w.get(byId('settings-budget-status'))
    expect(status.attributes('data-level')).toBe('warning')
    expect(status.text()).toContain('This month: $1.75 of $2.00 (87.5%)')
    expect(status.text()).toContain('$1.50 confirmed · $0.25 possibly charged')
    w.unmount()
  })

  it('has the Sync card in place of a placeholder, and shows the version', async () => {
    const w = await mountSettings()
    expect(w.get(byId('sync-section')).text()).toContain('Cloudflare R2')
    expect(w.get(byId('sync-not-configured')).text()).toContain('Not set up')
    expect(w.find(byId('sync-endpoint')).exists()).toBe(true)
    expect(w.get(byId('core-version')).text()).toBe('1.2.3')
    w.unmount()
  })
})
