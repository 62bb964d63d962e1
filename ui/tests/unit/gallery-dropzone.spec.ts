import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { defineComponent, h } from 'vue'
import type { RecalledSettings } from '@/api'

const mocks = vi.hoisted(() => ({ readImageMetadata: vi.fn(), catalog: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: mocks }
})

import MetadataDropZone from '@/components/MetadataDropZone.vue'
import { makeI18n } from '@/i18n'
import { MOCK_CATALOG } from '@/mocks/catalog'
import { useDraftStore } from '@/stores/draft'

const A1111: RecalledSettings = {
  source: 'automatic1111', prompt: 'a castle in the clouds', negativePrompt: 'blurry', model: 'sdxl_base',
  provider: null, seed: '1234', width: 1024, height: 768, steps: 30, cfgScale: 7, sampler: 'DPM++ 2M',
  aspectRatio: null, taskId: null, cost: null, createdAt: null,
}

/** A drag event as a browser makes it for files from the desktop. */
function dragEvent(type: string, target: EventTarget, files: File[] = [], types = ['Files']) {
  const e = new Event(type, { bubbles: true, cancelable: true })
  Object.defineProperty(e, 'dataTransfer', { value: { types, files, dropEffect: 'none' } })
  target.dispatchEvent(e)
  return e
}

describe('metadata drop zone', () => {
  let wrapper: VueWrapper
  let router: Router

  beforeEach(async () => {
    mocks.readImageMetadata.mockReset()
    mocks.catalog.mockResolvedValue(MOCK_CATALOG)
    const pinia = createPinia()
    setActivePinia(pinia)
    const Blank = defineComponent({ render: () => h('div') })
    router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: Blank }, { path: '/generator', component: Blank }],
    })
    await router.push('/')
    wrapper = mount(MetadataDropZone, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  })

  afterEach(() => {
    wrapper.unmount()
    document.body.innerHTML = ''
  })

  const overlay = () => document.querySelector('[data-testid="metadata-drop"]')
  const panel = () => document.querySelector<HTMLElement>('[data-testid="metadata-panel"]')

  it('shows the overlay while files are dragged over the window, not for other drags', async () => {
    dragEvent('dragenter', document.body, [], ['text/plain'])
    await flushPromises()
    expect(overlay()).toBeNull()

    dragEvent('dragenter', document.body)
    const over = dragEvent('dragover', document.body)
    await flushPromises()
    expect(overlay()?.textContent).toContain('Drop an image to read its generation settings')
    expect(over.defaultPrevented).toBe(true)

    dragEvent('dragleave', document.body)
    await flushPromises()
    expect(overlay()).toBeNull()
  })

  it('sends the dropped file’s bytes and shows what was found; reuse fills the Generator draft', async () => {
    mocks.readImageMetadata.mockResolvedValue(A1111)
    const file = new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3])], 'castle.png', { type: 'image/png' })
    dragEvent('dragenter', document.body)
    const drop = dragEvent('drop', document.body, [file])
    expect(drop.defaultPrevented).toBe(true)
    await vi.waitFor(() => expect(panel()?.dataset.state).toBe('found'))

    const sent = mocks.readImageMetadata.mock.calls[0][0] as Uint8Array
    expect(Array.from(sent)).toEqual([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3])
    expect(overlay()).toBeNull()
    const text = panel()!.textContent ?? ''
    for (const part of ['AUTOMATIC1111', 'a castle in the clouds', 'blurry', 'sdxl_base', '1234', '1024 × 768', '30', 'DPM++ 2M']) {
      expect(text).toContain(part)
    }

    panel()!.querySelector<HTMLButtonElement>('[data-testid="metadata-reuse"]')!.click()
    await flushPromises()
    const draft = useDraftStore()
    // 1024 px long side → Quality; 1024×768 → 4:3. The SD model name is not ours, so it is left out.
    // Not one of our models: the size and ratio are checked against the default model's (the catalog's first).
    expect(draft.draft).toEqual({ prompt: 'a castle in the clouds', size: '1K', aspectRatio: '4:3' })
    expect(router.currentRoute.value.path).toBe('/generator')
    expect(panel()).toBeNull()
  })

  it('says so when the file carries no settings', async () => {
    mocks.readImageMetadata.mockResolvedValue(null)
    dragEvent('drop', document.body, [new File([new Uint8Array(20)], 'photo.jpg', { type: 'image/jpeg' })])
    await vi.waitFor(() => expect(panel()?.dataset.state).toBe('none'))
    expect(panel()!.textContent).toContain('No generation settings found in this file')
    expect(panel()!.querySelector('[data-testid="metadata-reuse"]')).toBeNull()
  })

  it('does not read files that are not images', async () => {
    dragEvent('drop', document.body, [new File(['hello'], 'notes.txt', { type: 'text/plain' })])
    await vi.waitFor(() => expect(panel()?.dataset.state).toBe('not-image'))
    expect(mocks.readImageMetadata).not.toHaveBeenCalled()
  })

  it('leaves drops on an element with data-own-drop to that element', async () => {
    const own = document.createElement('div')
    own.setAttribute('data-own-drop', '')
    const inner = document.createElement('span')
    own.appendChild(inner)
    document.body.appendChild(own)

    dragEvent('dragenter', inner)
    const over = dragEvent('dragover', inner)
    const drop = dragEvent('drop', inner, [new File([new Uint8Array(20)], 'x.png', { type: 'image/png' })])
    await flushPromises()
    expect(over.defaultPrevented).toBe(false)
    expect(drop.defaultPrevented).toBe(false)
    expect(overlay()).toBeNull()
    expect(panel()).toBeNull()
    expect(mocks.readImageMetadata).not.toHaveBeenCalled()
  })
})
