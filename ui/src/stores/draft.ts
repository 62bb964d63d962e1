import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AspectRatio, Model, SizePreset } from '@/api'

/** What the Generator form holds. Other views fill it (remix, recall settings) and then open the Generator. */
export interface GenerationDraft {
  prompt: string
  model: Exclude<Model, 'demo'>
  size: SizePreset
  aspectRatio: AspectRatio
  count: number
  watermark: string
  /** Public URLs of input images (image-to-image). */
  imageUrls: string[]
  /** Set by remix: the image this draft started from. */
  parentImageId: string | null
}

export const useDraftStore = defineStore('draft', () => {
  const draft = ref<GenerationDraft | null>(null)
  /** Incremented on every `load`, so an open Generator notices a new draft. */
  const version = ref(0)

  /** Replaces the fields given; the Generator applies it on open (or at once if it is open). */
  function load(fields: Partial<GenerationDraft>) {
    draft.value = { ...(draft.value ?? {}), ...fields } as GenerationDraft
    version.value++
  }

  /** The Generator takes the pending fields (once). */
  function take(): Partial<GenerationDraft> | null {
    const d = draft.value
    draft.value = null
    return d
  }

  /** Another profile opened: a pending draft can name its images (remix) or carry its prompts. */
  function reset() {
    draft.value = null
  }

  return { draft, version, load, take, reset }
})
