import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { ApiError, type Lineage, type LineageNode, type ProfileSummary } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { imageRecord, jobRecord } from './jobs-fixtures'

// The store is tested over the src/api boundary: the core's editing commands and its event stream are replaced.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  getImage: vi.fn(),
  getJob: vi.fn(),
  listJobs: vi.fn(),
  imageLineage: vi.fn(),
  editImage: vi.fn(),
  editImageRegion: vi.fn(),
  addInputImage: vi.fn(),
  upscaleImage: vi.fn(),
  replyToJob: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(() => true),
  getPreferences: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { useCoreEventsStore } from '@/stores/coreEvents'
import { useEditorStore } from '@/stores/editor'
import { useJobsStore } from '@/stores/jobs'

let events: FakeCoreEvents

const node = (jobId: string, imageIds: string[], children: LineageNode[] = []): LineageNode => ({
  jobId, imageIds, prompt: jobId, purpose: jobId === 'job-1' ? null : 'edit', model: 'gemini-3.1-flash-image', status: 'COMPLETED',
  errorKind: null, errorMessage: null, cost: 0.05, createdAt: 1, children,
})
const tree = (root: LineageNode): Lineage => ({ root, totalCost: 0.1, jobs: 2 })

describe('editor store', () => {
  beforeEach(async () => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.windowFocused.mockReturnValue(true)
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.getImage.mockImplementation(async (id: string) => ({ ...imageRecord(id), jobId: id === 'img-2' ? 'job-2' : 'job-1' }))
    api.getJob.mockImplementation(async (id: string) => jobRecord({
      id, status: 'COMPLETED', provider: 'gemini', model: 'gemini-3.1-flash-image', parentImageId: id === 'job-2' ? 'img-1' : null,
    }))
    api.imageLineage.mockResolvedValue(tree(node('job-1', ['img-1'], [node('job-2', ['img-2'])])))
    await useCoreEventsStore().start()
  })

  it('opens an image with the job that made it, the image it was edited from, and its tree', async () => {
    const editor = useEditorStore()
    await editor.open('img-2')
    expect(editor.image?.id).toBe('img-2')
    expect(editor.job?.id).toBe('job-2')
    expect(editor.parent?.id).toBe('img-1')
    expect(editor.lineage?.root.children[0].imageIds).toEqual(['img-2'])
    expect(api.imageLineage).toHaveBeenCalledWith('img-2')
  })

  it('follows the edit it sent through the job events and names the image it made', async () => {
    const editor = useEditorStore()
    useJobsStore()
    await editor.open('img-1')
    api.editImage.mockResolvedValue(jobRecord({ id: 'job-9', status: 'PENDING', purpose: 'edit', parentImageId: 'img-1' }))
    await editor.edit({ imageId: 'img-1', instruction: 'make it night', references: ['Mira'] })
    expect(api.editImage).toHaveBeenCalledWith({ imageId: 'img-1', instruction: 'make it night', references: ['Mira'], overBudget: false })
    expect(editor.running).toBe(true)
    expect(editor.following?.stage.kind).toBe('queued')
    events.job('job-9', { kind: 'generating', elapsedMs: 1000, polls: 1 })
    expect(editor.following?.stage.kind).toBe('generating')
    api.getJob.mockResolvedValue(jobRecord({ id: 'job-9', status: 'COMPLETED', imageId: 'img-9', purpose: 'edit' }))
    events.job('job-9', { kind: 'done', imageIds: ['img-9'], cost: 0.05, durationMs: 900 })
    await flushPromises()
    expect(editor.running).toBe(false)
    expect(editor.madeImageId).toBe('img-9')
  })

  it('a text-only answer of the model is kept to reply to; the reply is followed like an edit', async () => {
    const editor = useEditorStore()
    useJobsStore()
    await editor.open('img-1')
    api.editImage.mockResolvedValue(jobRecord({ id: 'job-9', status: 'PENDING', purpose: 'edit' }))
    await editor.edit({ imageId: 'img-1', instruction: 'change her jacket' })
    events.job('job-9', { kind: 'failed', error: { kind: 'no_image', message: 'Which jacket, the red or the blue?' } })
    await flushPromises()
    expect(editor.answer?.id).toBe('job-9')
    expect(editor.answer?.errorMessage).toBe('Which jacket, the red or the blue?')
    api.replyToJob.mockResolvedValue(jobRecord({ id: 'job-10', status: 'PENDING', purpose: 'reply' }))
    await editor.reply('job-9', 'The red one')
    expect(api.replyToJob).toHaveBeenCalledWith('job-9', 'The red one', false)
    expect(editor.answer).toBeNull()
    expect(editor.following?.record.id).toBe('job-10')
  })

  it('a broken conversation is kept with what was sent; Start fresh sends it again as a new conversation', async () => {
    const editor = useEditorStore()
    await editor.open('img-2')
    api.editImage.mockRejectedValueOnce(new ApiError({ kind: 'conversation_broken', message: 'missing thought_signature' }))
    await expect(editor.edit({ imageId: 'img-2', instruction: 'add snow' })).rejects.toThrow('missing thought_signature')
    expect(editor.sendError?.kind).toBe('conversation_broken')
    expect(editor.sending).toBe(false)
    api.editImage.mockResolvedValue(jobRecord({ id: 'job-11', status: 'PENDING' }))
    await editor.startFresh(editor.sendError!.action)
    expect(api.editImage).toHaveBeenLastCalledWith({ imageId: 'img-2', instruction: 'add snow', startFresh: true, overBudget: false })
    expect(editor.sendError).toBeNull()
  })

  it('a region edit keeps the mask PNG as an input image first and sends its id; over the budget it goes when told', async () => {
    const editor = useEditorStore()
    await editor.open('img-1')
    api.addInputImage.mockResolvedValue({ ...imageRecord('input-mask'), kind: 'input' })
    api.editImageRegion.mockRejectedValueOnce(new ApiError({ kind: 'over_budget', message: 'over the budget' }))
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
    await expect(editor.editRegion({ imageId: 'img-1', instruction: 'a kite' }, png)).rejects.toThrow('over the budget')
    api.editImageRegion.mockResolvedValue(jobRecord({ id: 'job-12', status: 'PENDING', purpose: 'masked_edit' }))
    await editor.editRegion({ imageId: 'img-1', instruction: 'a kite' }, png, true)
    expect(api.addInputImage).toHaveBeenCalledWith(png)
    expect(api.editImageRegion).toHaveBeenLastCalledWith({ imageId: 'img-1', instruction: 'a kite', overBudget: true }, 'input-mask')
    expect(editor.following?.action.kind).toBe('region')
  })

  it('an upscale runs on the open image', async () => {
    const editor = useEditorStore()
    await editor.open('img-1')
    api.upscaleImage.mockResolvedValue(jobRecord({ id: 'job-13', status: 'PENDING', purpose: 'upscale' }))
    await editor.upscale('4K', 'gemini-3.1-flash-image')
    expect(api.upscaleImage).toHaveBeenCalledWith('img-1', '4K', 'gemini-3.1-flash-image', false)
  })

  it('reads the tree again when the library\'s jobs change, and the image when it changed', async () => {
    const editor = useEditorStore()
    await editor.open('img-1')
    api.imageLineage.mockClear()
    api.getImage.mockClear()
    events.library({ stats: true })
    await flushPromises()
    expect(api.imageLineage).not.toHaveBeenCalled()
    events.library({ jobs: { added: ['job-20'] } })
    await flushPromises()
    expect(api.imageLineage).toHaveBeenCalledWith('img-1')
    events.library({ images: { updated: ['img-1'] } })
    await flushPromises()
    expect(api.getImage).toHaveBeenCalledWith('img-1')
  })

  it('another profile opening forgets the image, its tree and what was followed', async () => {
    const editor = useEditorStore()
    await editor.open('img-1')
    api.editImage.mockResolvedValue(jobRecord({ id: 'job-9', status: 'PENDING' }))
    await editor.edit({ imageId: 'img-1', instruction: 'night' })
    const ada: ProfileSummary = {
      id: 'g-ada', kind: 'google', displayName: 'Ada', email: 'ada@example.com', name: 'Ada', issuer: 'https://accounts.google.com',
      emailVerified: true, current: true,
    }
    events.profile(ada)
    await flushPromises()
    expect(editor.image).toBeNull()
    expect(editor.lineage).toBeNull()
    expect(editor.following).toBeNull()
  })
})
