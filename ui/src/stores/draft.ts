import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AspectRatio, ImageSize, Model, ProviderKind } from '@/api'
import { useProfileScoped } from '@/stores/profile'

/** What the Generator form holds. Other views fill it (remix, recall settings) and then open the Generator. */
export interface GenerationDraft {
  prompt: string
  /** Who generates; a provider that cannot run now gives way to the first one that can. */
  provider: ProviderKind
  model: Model
  size: ImageSize
  aspectRatio: AspectRatio
  count: number
  watermark: string
  /** Public URLs of input images (image-to-image). */
  imageUrls: string[]
  /** The library's input images (local files the core keeps), by id. */
  inputImageIds: string[]
  /** Named references (kept while the Generator is left; recall brings none: they are in the job's inputs). */
  references: string[]
  /** Set by remix from an image: the image this draft started from. */
  parentImageId: string | null
  /** Set by remix from a job: the job this draft started from. */
  parentJobId: string | null
}

export const useDraftStore = defineStore('draft', () => {
  const draft = ref<Partial<GenerationDraft> | null>(null)
  /** Incremented on every `load`, so an open Generator notices a new draft. */
  const version = ref(0)

  /** Replaces the fields given; the Generator applies it on open (or at once if it is open). */
  function load(fields: Partial<GenerationDraft>) {
    draft.value = { ...(draft.value ?? {}), ...fields }
    version.value++
  }

  /** The Generator takes the pending fields (once). */
  function take(): Partial<GenerationDraft> | null {
    const d = draft.value
    draft.value = null
    return d
  }

  // Another profile opened: a pending draft can name its images (remix) or carry its prompts.
  useProfileScoped(() => { draft.value = null })

  return { draft, version, load, take }
})
