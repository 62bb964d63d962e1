import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { makeI18n } from '@/i18n'
import { IMAGE_ID_TYPE } from '@/lib/imageTransfer'
import { fakeCoreEvents } from './core-events'

// Inputs from elsewhere in the window: a gallery image dropped on the Generator's or the editor's inputs goes
// by id (a dropped file still goes as bytes), a link pasted into a prompt is offered as an input, and a
// reference is added from a file or replaced with another image under the same name.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  addInputImage: vi.fn(),
  addInputImageUrl: vi.fn(),
  pickInputImages: vi.fn(),
  listReferences: vi.fn(),
  setReference: vi.fn(),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  thumbnailUrl: vi.fn((profile: string, key: string, kind: string, sha: string) => `nf://localhost/${profile}/${key}/${kind}/${sha}`),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import InputImagePicker from '@/components/generator/InputImagePicker.vue'
import PromptField from '@/components/generator/PromptField.vue'
import EditInputs from '@/components/editor/EditInputs.vue'
import ReferenceCard from '@/components/references/ReferenceCard.vue'

function drop(types: Record<string, string>, files: File[] = []) {
  return {
    dataTransfer: {
      types: Object.keys(types).concat(files.length ? ['Files'] : []),
      getData: (k: string) => types[k] ?? '',
      files,
    },
  }
}
const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'a.png', { type: 'image/png' })

beforeEach(() => {
  setActivePinia(createPinia())
  for (const fn of Object.values(api)) fn.mockReset()
  api.onCoreChanged.mockImplementation(fakeCoreEvents().onCoreChanged)
  api.listReferences.mockResolvedValue([])
  api.addInputImage.mockResolvedValue({ id: 'in-file' })
})

describe('dropping a gallery image', () => {
  it('on the Generator’s inputs adds it by id, once; a file still goes as bytes', async () => {
    const w = mount(InputImagePicker, {
      props: { ids: ['img-1'], urls: '', max: 3, urlCount: 0, invalidUrls: false },
      global: { plugins: [makeI18n()] },
    })
    const zone = w.find('[data-testid="input-image-drop"]')
    await zone.trigger('drop', drop({ [IMAGE_ID_TYPE]: 'img-9' }))
    expect(w.emitted('update:ids')?.at(-1)).toEqual([['img-1', 'img-9']])
    expect(api.addInputImage).not.toHaveBeenCalled()
    await w.setProps({ ids: ['img-1', 'img-9'] })
    await zone.trigger('drop', drop({}, [png()]))
    await flushPromises()
    expect(api.addInputImage).toHaveBeenCalledTimes(1)
    expect(w.emitted('update:ids')?.at(-1)).toEqual([['img-1', 'img-9', 'in-file']])
  })

  it('on the editor’s inputs adds it by id; a pasted link is fetched by the core', async () => {
    const w = mount(EditInputs, { props: { references: [], inputs: [] }, global: { plugins: [makeI18n()] } })
    await w.find('[data-testid="edit-inputs"]').trigger('drop', drop({ [IMAGE_ID_TYPE]: 'img-4' }))
    expect(w.emitted('update:inputs')?.at(-1)).toEqual([['img-4']])
    await w.setProps({ inputs: ['img-4'] })
    api.addInputImageUrl.mockResolvedValue({ id: 'in-url' })
    await (w.vm as unknown as { addUrl: (u: string) => Promise<void> }).addUrl('https://example.com/a.png')
    expect(api.addInputImageUrl).toHaveBeenCalledWith('https://example.com/a.png')
    expect(w.emitted('update:inputs')?.at(-1)).toEqual([['img-4', 'in-url']])
  })
})

describe('pasting a link into the prompt', () => {
  it('offers a lone link and lets other text paste as text', async () => {
    const w = mount(PromptField, { props: { modelValue: '', max: 100 }, global: { plugins: [makeI18n()] } })
    const paste = (text: string) => w.find('textarea').trigger('paste', { clipboardData: { files: [], getData: () => text } })
    await paste('a red fox')
    expect(w.emitted('url')).toBeUndefined()
    await paste('https://example.com/fox.webp')
    expect(w.emitted('url')).toEqual([['https://example.com/fox.webp']])
  })
})

describe('a reference’s image', () => {
  it('is replaced under the same name with a picked file', async () => {
    const reference = { id: 'ref-1', name: 'Mira', imageId: 'img-1', sha256: 'x', updatedAt: 1 }
    api.pickInputImages.mockResolvedValue([{ id: 'in-2' }])
    api.setReference.mockResolvedValue({ ...reference, imageId: 'in-2' })
    const w = mount(ReferenceCard, { props: { reference }, global: { plugins: [makeI18n(), createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }] })] } })
    await w.find('[data-testid="reference-replace"]').trigger('click')
    await flushPromises()
    expect(api.setReference).toHaveBeenCalledWith('Mira', 'in-2')
    // Nothing picked: nothing changes.
    api.pickInputImages.mockResolvedValue([])
    await w.find('[data-testid="reference-replace"]').trigger('click')
    await flushPromises()
    expect(api.setReference).toHaveBeenCalledTimes(1)
  })
})
