// One Settings card edits some fields of the profile's preferences on a copy and saves them on top of what
// the core last accepted, so cards never undo each other's saves. The core validates and refuses with a
// typed error, shown as it is. A save made by another card (or elsewhere) refreshes this copy unless it has edits.
import { computed, ref, watch, type Ref } from 'vue'
import { errorMessage, type Preferences } from '@/api'
import { useSettingsStore } from '@/stores/settings'

type Fields<K extends keyof Preferences> = Pick<Preferences, K>

export function useSettingsSection<K extends keyof Preferences>(keys: K[]) {
  const store = useSettingsStore()
  // Plain JSON data: a deep copy that does not share arrays (price overrides) with the store.
  const pick = (s: Preferences): Fields<K> => JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k) => [k, s[k]]))))
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

  const form = ref(null) as Ref<Fields<K> | null>
  const saving = ref(false)
  const saved = ref(false)
  const error = ref<string | null>(null)

  watch(() => store.preferences, (next, before) => {
    // The same preferences read again (the core said they were saved) leave the form and its notes alone.
    if (!next || (form.value && same(form.value, pick(next)))) return
    if (!form.value || !before || same(form.value, pick(before))) form.value = pick(next)
  }, { immediate: true })

  const dirty = computed(() => !!form.value && !!store.preferences && !same(form.value, pick(store.preferences)))
  // An edit answers the last refusal: it goes until the next save says otherwise.
  watch(form, () => {
    if (dirty.value) saved.value = false
    if (!saving.value) error.value = null
  }, { deep: true })

  /** Saves `patch` (default: the form) on top of the stored preferences; false when the core refused. */
  async function save(patch: Partial<Preferences> | null = form.value): Promise<boolean> {
    if (!store.preferences || !patch || saving.value) return false
    saving.value = true
    saved.value = false
    error.value = null
    try {
      await store.save({ ...store.preferences, ...patch } as Preferences)
      if (store.preferences) form.value = pick(store.preferences)
      saved.value = true
      return true
    } catch (e) {
      error.value = errorMessage(e)
      return false
    } finally {
      saving.value = false
    }
  }

  function discard() {
    if (store.preferences) form.value = pick(store.preferences)
    error.value = null
  }

  return { form, saving, saved, error, dirty, save, discard }
}
