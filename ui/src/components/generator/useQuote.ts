// What a request would cost and who would run it, asked of the core (`api.quote`) as the form changes:
// the page never multiplies or rounds a price. Typing is debounced; the previous answer stays on screen
// while a new one loads, so the figure does not blink. New prices (the preferences were saved) ask again.
import { computed, onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { api, errorMessage, type GenerateOptions, type GenerationRequest, type ImageSize, type Model, type ProviderKind, type Quote } from '@/api'
import { useCatalogStore } from '@/stores/catalog'

/** How long the form must rest before the core is asked again. */
export const QUOTE_DEBOUNCE_MS = 150

export interface QuoteInput {
  request: GenerationRequest
  options: GenerateOptions
}

/** The provider the core would run `model` on when none is chosen (its own when its key is known, else the demo). */
export async function providerChoice(model: Model | null | undefined, size: ImageSize | null | undefined): Promise<ProviderKind> {
  return (await api.quote({ prompt: '', model: model ?? undefined, size: size ?? undefined }, {})).provider
}

export function useQuote(input: () => QuoteInput | null) {
  const catalog = useCatalogStore()
  /** The latest answer, and the input it answered (an earlier form while a new answer loads). */
  const quote = shallowRef<Quote | null>(null)
  const answered = shallowRef<QuoteInput | null>(null)
  const pending = ref(false)
  const error = ref<string | null>(null)
  let request = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  async function ask(asked: QuoteInput, mine: number) {
    try {
      const next = await api.quote(asked.request, asked.options)
      if (mine !== request) return
      quote.value = next
      answered.value = asked
      error.value = null
    } catch (e) {
      if (mine === request) error.value = errorMessage(e)
    } finally {
      if (mine === request) pending.value = false
    }
  }

  function schedule(key: string | null) {
    clearTimeout(timer)
    const mine = ++request
    if (key == null) {
      pending.value = false
      return
    }
    const asked = JSON.parse(key) as QuoteInput
    pending.value = true
    // The first answer is asked at once: there is nothing to show meanwhile.
    if (quote.value == null) void ask(asked, mine)
    else timer = setTimeout(() => { void ask(asked, mine) }, QUOTE_DEBOUNCE_MS)
  }

  // The input as text: a change that leaves it the same asks nothing; new prices in effect ask again.
  watch([() => {
    const i = input()
    return i ? JSON.stringify(i) : null
  }, () => catalog.prices], ([key]) => schedule(key), { immediate: true })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    request++
  })

  /** The price in effect of the answered request is an estimate (the catalog's default, not the person's own). */
  const estimate = computed(() => {
    const asked = answered.value?.request
    return catalog.price(asked?.model, asked?.size)?.estimate ?? true
  })

  return { quote, answered, estimate, pending, error }
}
