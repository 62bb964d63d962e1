import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { ApiError, type ProfileSummary, type Reference } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  listReferences: vi.fn(),
  setReference: vi.fn(),
  renameReference: vi.fn(),
  removeReference: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { useCoreEventsStore } from '@/stores/coreEvents'
import { useReferencesStore } from '@/stores/references'

const ref = (id: string, name: string, imageId = `img-${id}`): Reference => ({ id, name, imageId, sha256: 'ab', updatedAt: 1 })
let events: FakeCoreEvents
let stored: Reference[]

describe('references store', () => {
  beforeEach(async () => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    stored = [ref('r1', 'Mira'), ref('r2', 'logo')]
    api.listReferences.mockImplementation(async () => stored.map((r) => ({ ...r })))
    await useCoreEventsStore().start()
  })

  it('loads once, however many views ask, and finds a name in any case', async () => {
    const refs = useReferencesStore()
    await Promise.all([refs.ensureLoaded(), refs.ensureLoaded()])
    await refs.ensureLoaded()
    expect(api.listReferences).toHaveBeenCalledTimes(1)
    expect(refs.list.map((r) => r.name)).toEqual(['Mira', 'logo'])
    expect(refs.find(' mira ')?.id).toBe('r1')
    expect(refs.find('nobody')).toBeUndefined()
  })

  it('names, renames and removes through the core, then reads the list again', async () => {
    const refs = useReferencesStore()
    await refs.ensureLoaded()
    api.setReference.mockImplementation(async (name: string, imageId: string) => {
      const made = ref('r3', name, imageId)
      stored.push(made)
      return made
    })
    await refs.set('  Fox ', 'img-7')
    expect(api.setReference).toHaveBeenCalledWith('Fox', 'img-7')
    expect(refs.find('fox')?.imageId).toBe('img-7')
    api.renameReference.mockImplementation(async (id: string, name: string) => {
      const r = stored.find((x) => x.id === id)!
      r.name = name
      return r
    })
    await refs.rename('r3', 'Red fox')
    expect(refs.list.map((r) => r.name)).toContain('Red fox')
    api.removeReference.mockImplementation(async (name: string) => { stored = stored.filter((r) => r.name !== name) })
    await refs.remove('logo')
    expect(api.removeReference).toHaveBeenCalledWith('logo')
    expect(refs.list.map((r) => r.name)).toEqual(['Mira', 'Red fox'])
  })

  it('throws the core\'s refusal (a bad name) and keeps the list', async () => {
    const refs = useReferencesStore()
    await refs.ensureLoaded()
    api.setReference.mockRejectedValue(new ApiError({ kind: 'invalid_input', message: "a reference name cannot hold '@'" }))
    await expect(refs.set('@fox', 'img-1')).rejects.toThrow("cannot hold '@'")
    expect(refs.list).toHaveLength(2)
  })

  it('reads the list again when the library says its references changed (another window, the CLI, a sync)', async () => {
    const refs = useReferencesStore()
    await refs.ensureLoaded()
    events.library({ jobs: { added: ['job-1'] } })
    await flushPromises()
    expect(api.listReferences).toHaveBeenCalledTimes(1)
    stored.push(ref('r9', 'Boat'))
    events.library({ references: true })
    await flushPromises()
    expect(api.listReferences).toHaveBeenCalledTimes(2)
    expect(refs.find('boat')?.id).toBe('r9')
  })

  it('another profile has its own references: the list is emptied and read again', async () => {
    const refs = useReferencesStore()
    await refs.ensureLoaded()
    stored = [ref('a1', 'Ada’s cat')]
    const ada: ProfileSummary = {
      id: 'g-ada', kind: 'google', displayName: 'Ada', email: 'ada@example.com', name: 'Ada', issuer: 'https://accounts.google.com',
      emailVerified: true, current: true,
    }
    events.profile(ada)
    await flushPromises()
    expect(refs.list.map((r) => r.name)).toEqual(['Ada’s cat'])
  })
})
