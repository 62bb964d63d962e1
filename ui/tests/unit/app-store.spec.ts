import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'

// The store is tested over the src/api boundary; the Rust side is replaced here, not in the store.
const { appInfo } = vi.hoisted(() => ({ appInfo: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: { appInfo } }
})

import { useAppStore } from '@/stores/app'
import { ApiError } from '@/api'

describe('app store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    appInfo.mockReset()
  })

  it('loads the core facts', async () => {
    appInfo.mockResolvedValue({ version: '1.2.3', profileId: 'local', dataDir: '/data', jobCount: 7 })
    const store = useAppStore()
    await store.load()
    expect(store.info?.jobCount).toBe(7)
    expect(store.error).toBeNull()
    expect(store.loading).toBe(false)
  })

  it('keeps the typed error kind when the core fails', async () => {
    appInfo.mockRejectedValue(new ApiError({ kind: 'database', message: 'library database error: disk full' }))
    const store = useAppStore()
    await store.load()
    expect(store.info).toBeNull()
    expect(store.error).toBe('library database error: disk full (database)')
  })
})
