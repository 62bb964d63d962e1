// What an edit would cost and send, asked of the core (`api.editQuote`) as the form changes: the image's
// price, the replayed conversation's share and the payload against the inline limit. Typing is debounced and
// the previous answer stays on screen while a new one loads. New prices (preferences saved) ask again.
import { onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { api, errorMessage, type EditQuote, type EditRequest } from '@/api'
import { useCatalogStore } from '@/stores/catalog'

export const EDIT_QUOTE_DEBOUNCE_MS = 250

export function useEditQuote(input: () => EditRequest | null) {
  const catalog = useCatalogStore()
  const quote = shallowRef<EditQuote | null>(null)
  const pending = ref(false)
  const error = ref<string | null>(null)
  let request = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  async function ask(asked: EditRequest, mine: number) {
    try {
      const next = await api.editQuote(asked)
      if (mine !== request) return
      quote.value = next
      error.value = null
    } catch (e) {
      if (mine === request) error.value = errorMessage(e)
    } finally {
      if (mine === request) pending.value = false
    }
  }

  watch([() => {
    const i = input()
    return i ? JSON.stringify(i) : null
  }, () => catalog.prices], ([key]) => {
    clearTimeout(timer)
    const mine = ++request
    if (key == null) {
      pending.value = false
      return
    }
    const asked = JSON.parse(key) as EditRequest
    pending.value = true
    if (quote.value == null) void ask(asked, mine)
    else timer = setTimeout(() => { void ask(asked, mine) }, EDIT_QUOTE_DEBOUNCE_MS)
  }, { immediate: true })

  onBeforeUnmount(() => {
    clearTimeout(timer)
    request++
  })

  return { quote, pending, error }
}
