import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Lineage, LineageNode } from '@/api'
import { makeI18n } from '@/i18n'
import { droppedImageIds, IMAGE_ID_TYPE, looksLikeImage, pastedUrl, setImageDrag, withoutLink } from '@/lib/imageTransfer'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

// The lineage tree outside the editor (the viewer, History): text-only answers told apart from failures and
// answered in place, two nodes compared, a node opening its image in the viewer; and the hand-offs between
// parts of the window (a gallery tile dragged by id, a pasted link offered as an input image).
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  imageLineage: vi.fn(),
  replyToJob: vi.fn(),
  getImage: vi.fn(),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  thumbnailUrl: vi.fn((profile: string, key: string, kind: string, sha: string) => `nf://localhost/${profile}/${key}/${kind}/${sha}`),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import LineagePanel from '@/components/editor/LineagePanel.vue'
import ImageTree from '@/components/editor/ImageTree.vue'
import { useCoreEventsStore } from '@/stores/coreEvents'

const node = (jobId: string | null, imageIds: string[], over: Partial<LineageNode> = {}, children: LineageNode[] = []): LineageNode => ({
  jobId, imageIds, prompt: jobId, purpose: jobId === 'job-1' ? null : 'edit', model: null, status: 'COMPLETED',
  errorKind: null, errorMessage: null, cost: 0.04, createdAt: 1, children, ...over,
})

function tree(): Lineage {
  const asked = node('job-ask', [], { status: 'FAILED', errorKind: 'no_image', errorMessage: 'Which jacket, the red or the blue one?', cost: 0 })
  const broken = node('job-broken', [], { status: 'FAILED', errorKind: 'server_error', errorMessage: 'The service had an error', cost: 0 })
  const edit = node('job-2', ['img-2'], {}, [asked])
  return { root: node('job-1', ['img-1'], {}, [edit, broken]), jobs: 4, totalCost: 0.08 } as Lineage
}

const Blank = { template: '<div />' }
function makeRouter() {
  return createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Blank }, { path: '/gallery', component: Blank }] })
}

describe('image hand-offs', () => {
  it('offers a pasted lone http(s) link, not text around one', () => {
    expect(pastedUrl('  https://example.com/cat.png \n')).toBe('https://example.com/cat.png')
    expect(pastedUrl('http://cdn.example.com/i?id=4')).toBe('http://cdn.example.com/i?id=4')
    expect(pastedUrl('a cat like https://example.com/cat.png')).toBeNull()
    expect(pastedUrl('ftp://example.com/cat.png')).toBeNull()
    expect(pastedUrl('not a link')).toBeNull()
    expect(pastedUrl(undefined)).toBeNull()
    expect(looksLikeImage('https://x.test/a.JPG?w=2')).toBe(true)
    expect(looksLikeImage('https://x.test/page')).toBe(false)
  })

  it('takes a used link out of the prompt, as pasted or as the parser wrote it', () => {
    expect(withoutLink('a cat https://example.com/cat.png', 'https://example.com/cat.png')).toBe('a cat')
    expect(withoutLink('https://example.com', 'https://example.com/')).toBe('')
    expect(withoutLink('nothing here', 'https://example.com/')).toBe('nothing here')
  })

  it('carries a gallery image by id and ignores drops without one', () => {
    const store = new Map<string, string>()
    const data = {
      setData: (k: string, v: string) => { store.set(k, v) },
      getData: (k: string) => store.get(k) ?? '',
      get types() { return [...store.keys()] },
      effectAllowed: 'all',
    } as unknown as DataTransfer
    setImageDrag({ dataTransfer: data } as DragEvent, 'img-7')
    expect(store.get(IMAGE_ID_TYPE)).toBe('img-7')
    expect(data.effectAllowed).toBe('copy')
    expect(droppedImageIds(data)).toEqual(['img-7'])
    expect(droppedImageIds({ types: ['Files'], getData: () => '' } as unknown as DataTransfer)).toEqual([])
    expect(droppedImageIds(null)).toEqual([])
  })
})

describe('the lineage panel', () => {
  beforeEach(() => { setActivePinia(createPinia()) })

  const mountPanel = () => mount(LineagePanel, {
    props: { lineage: tree(), currentImageId: 'img-2', error: null, opensIn: 'viewer' as const },
    global: { plugins: [makeI18n()] },
  })

  it('shows a text-only answer as a bubble with a reply box, another failure as why it failed', async () => {
    const w = mountPanel()
    const answer = w.find('[data-job="job-ask"]')
    expect(answer.attributes('data-answer')).toBe('text')
    expect(answer.find('[data-testid="lineage-answer-text"]').text()).toBe('Which jacket, the red or the blue one?')
    expect(answer.find('[data-testid="lineage-failed"]').exists()).toBe(false)
    expect(answer.find('[data-testid="lineage-asked"]').text()).toBe('Answered in words')
    // In the viewer the answer is read in place: its node opens nothing.
    expect(answer.find('button.node').attributes('disabled')).toBeDefined()
    const failed = w.find('[data-job="job-broken"]')
    expect(failed.attributes('data-answer')).toBe('failed')
    expect(failed.find('[data-testid="lineage-failed"]').text()).toBe('Failed: The service had an error')
    expect(failed.find('[data-testid="lineage-reply-input"]').exists()).toBe(false)
    // The failure opens nothing; the answer opens what came back.
    expect(failed.find('button.node').attributes('disabled')).toBeDefined()

    const send = answer.find('[data-testid="lineage-reply-send"]')
    expect(send.attributes('disabled')).toBeDefined()
    await answer.find('[data-testid="lineage-reply-input"]').setValue('  The red one  ')
    await answer.find('form').trigger('submit')
    expect(w.emitted('reply')).toEqual([['job-ask', 'The red one']])
    expect((answer.find('[data-testid="lineage-reply-input"]').element as HTMLInputElement).value).toBe('')
  })

  it('opens a node’s image and compares two picked nodes, the first picked as before', async () => {
    const w = mountPanel()
    await w.find('[data-image="img-1"] button.node').trigger('click')
    expect(w.emitted('open')).toEqual([['img-1']])
    expect(w.find('[data-image="img-1"] button.node').attributes('aria-label')).toBe('Open “job-1”')

    expect(w.find('[data-testid="lineage-pick"]').exists()).toBe(false)
    await w.find('[data-testid="lineage-compare-toggle"]').trigger('click')
    // Only nodes with an image can be picked.
    expect(w.findAll('[data-testid="lineage-pick"]')).toHaveLength(2)
    const go = () => w.find('[data-testid="lineage-compare"]')
    expect(go().attributes('disabled')).toBeDefined()
    await w.find('[data-image="img-1"] [data-testid="lineage-pick"]').trigger('change')
    await w.find('[data-image="img-2"] [data-testid="lineage-pick"]').trigger('change')
    expect(w.find('[data-testid="lineage-compare-bar"]').text()).toContain('2 of 2')
    await go().trigger('click')
    expect(w.emitted('compare')).toEqual([['img-1', 'img-2']])
    // Unpicking one leaves one.
    await w.find('[data-image="img-1"] [data-testid="lineage-pick"]').trigger('change')
    expect(go().attributes('disabled')).toBeDefined()
  })
})

describe('the tree in the viewer and History', () => {
  let events: FakeCoreEvents
  beforeEach(async () => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    api.imageUrl.mockImplementation((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`)
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.imageLineage.mockResolvedValue(tree())
    await useCoreEventsStore().start()
  })

  it('reads the tree, opens a node in the viewer, replies in place and follows the library’s jobs', async () => {
    const router = makeRouter()
    await router.push('/')
    const w = mount(ImageTree, { props: { imageId: 'img-2' }, global: { plugins: [makeI18n(), router] } })
    await flushPromises()
    expect(api.imageLineage).toHaveBeenCalledWith('img-2')
    expect(w.find('[data-testid="lineage-total"]').text()).toBe('Total $0.08')
    expect(w.find('[data-image="img-2"]').attributes('data-current')).toBe('true')

    await w.find('[data-image="img-1"] button.node').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/gallery?image=img-1')

    api.replyToJob.mockResolvedValue({ id: 'job-reply' })
    await w.find('[data-job="job-ask"] [data-testid="lineage-reply-input"]').setValue('The red one')
    await w.find('[data-job="job-ask"] form').trigger('submit')
    await flushPromises()
    expect(api.replyToJob).toHaveBeenCalledWith('job-ask', 'The red one', false)

    events.library({ stats: true })
    await flushPromises()
    expect(api.imageLineage).toHaveBeenCalledTimes(1)
    events.library({ jobs: { added: ['job-reply'] } })
    await flushPromises()
    expect(api.imageLineage).toHaveBeenCalledTimes(2)
    w.unmount()
    events.library({ jobs: { added: ['job-9'] } })
    await flushPromises()
    expect(api.imageLineage).toHaveBeenCalledTimes(2)
  })

  it('compares two nodes’ images', async () => {
    api.getImage.mockImplementation(async (id: string) => ({ id, prompt: id, width: 8, height: 8, imageSize: '1K', model: 'gemini-3.1-flash-image' }))
    const w = mount(ImageTree, { props: { imageId: 'img-2' }, global: { plugins: [makeI18n(), makeRouter()] }, attachTo: document.body })
    await flushPromises()
    await w.find('[data-testid="lineage-compare-toggle"]').trigger('click')
    await w.find('[data-image="img-1"] [data-testid="lineage-pick"]').trigger('change')
    await w.find('[data-image="img-2"] [data-testid="lineage-pick"]').trigger('change')
    await w.find('[data-testid="lineage-compare"]').trigger('click')
    await flushPromises()
    expect(api.getImage.mock.calls.map((c) => c[0])).toEqual(['img-1', 'img-2'])
    expect(document.body.querySelector('[data-testid="compare-view"]') ?? document.body.querySelector('.backdrop')).not.toBeNull()
    w.unmount()
  })
})
