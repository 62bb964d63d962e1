// The batch as the core prices it, kept up to date while the person types: each change of the request asks
// `planBatch` again after a short pause (nothing is recorded), and only the newest answer counts, so a slow
// answer to an old template never overwrites the count of the current one. A refusal (over the job limit,
// an unknown wildcard, a bad CSV) is the core's typed error, shown as it is.
import { onUnmounted, ref, watch } from 'vue'
import { api, errorKind, errorMessage, type BatchPlan, type BatchRequest, type ErrorKind } from '@/api'

/** Long enough to not ask on every key press, short enough to feel live. */
const PAUSE_MS = 250

/** `inputs`: what else the core's answer depends on (the wildcard lists): a change of it asks again too. */
export function useBatchPlan(request: () => BatchRequest | null, inputs: () => unknown = () => null) {
  const plan = ref<BatchPlan | null>(null)
  const error = ref<{ kind: ErrorKind; message: string } | null>(null)
  const pending = ref(false)
  let asked = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  async function ask(r: BatchRequest, seq: number) {
    try {
      const answer = await api.planBatch(r)
      if (seq !== asked) return
      plan.value = answer
      error.value = null
    } catch (e) {
      if (seq !== asked) return
      plan.value = null
      error.value = { kind: errorKind(e), message: errorMessage(e) }
    } finally {
      if (seq === asked) pending.value = false
    }
  }

  watch(() => JSON.stringify([request(), inputs()]), () => {
    const r = request()
    const seq = ++asked
    if (timer) clearTimeout(timer)
    if (!r) {
      plan.value = null
      error.value = null
      pending.value = false
      return
    }
    pending.value = true
    timer = setTimeout(() => { void ask(r, seq) }, PAUSE_MS)
  }, { immediate: true })

  onUnmounted(() => { if (timer) clearTimeout(timer) })

  return { plan, error, pending }
}
