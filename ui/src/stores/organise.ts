import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type Album, type TagCount } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/**
 * The open profile's albums (with their image counts) and tags (with theirs): the Gallery's album menu, the
 * album view's title, "Add to album…" and the tag field's suggestions. Read again when the library says its
 * albums or tags changed (here, in another window, by the CLI or by a sync), and when another profile opens.
 * Edits go to the core and the lists are read again from it, so counts are always the core's.
 */
export const useOrganiseStore = defineStore('organise', () => {
  const albums = ref<Album[]>([])
  const tags = ref<TagCount[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Bumped by every read: an older answer never replaces a newer one. */
  let asked = 0
  let pending: Promise<void> | null = null

  const scope = useProfileScoped(async () => {
    const followed = loaded.value
    albums.value = []
    tags.value = []
    loaded.value = false
    error.value = null
    pending = null
    if (followed) await reload()
  })
  useCoreEventsStore().onLibrary((change) => {
    // Counts exclude the trash, so a trashed or restored image changes them too.
    if (loaded.value && (change.organise || change.stats)) void reload()
  })

  const byId = computed(() => new Map(albums.value.map((a) => [a.id, a])))
  const album = (id: string | null | undefined): Album | undefined => (id ? byId.value.get(id) : undefined)

  function reload(): Promise<void> {
    const mine = ++asked
    const stillOpen = scope.begin()
    const run = Promise.all([api.listAlbums(), api.listTags()])
      .then(([a, t]) => {
        if (mine !== asked || !stillOpen()) return
        albums.value = a
        tags.value = t
        loaded.value = true
        error.value = null
      })
      .catch((e) => { if (mine === asked && stillOpen()) error.value = errorMessage(e) })
      .finally(() => { if (pending === run) pending = null })
    pending = run
    return run
  }

  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    return pending ?? reload()
  }

  /** The album called `name`, made if there is none. Throws the core's typed error (an empty name…). */
  async function createAlbum(name: string): Promise<Album> {
    const made = await api.createAlbum(name.trim())
    await reload()
    return made
  }

  async function renameAlbum(id: string, name: string): Promise<Album> {
    const saved = await api.renameAlbum(id, name.trim())
    await reload()
    return saved
  }

  async function deleteAlbum(id: string): Promise<void> {
    await api.deleteAlbum(id)
    albums.value = albums.value.filter((a) => a.id !== id)
    await reload()
  }

  /** How many of `imageIds` were not in the album yet. */
  async function addToAlbum(id: string, imageIds: string[]): Promise<number> {
    const n = await api.addToAlbum(id, imageIds)
    await reload()
    return n
  }

  /** Makes the album `name` if needed and puts the images in it; the album and how many went in. */
  async function addToNewAlbum(name: string, imageIds: string[]): Promise<{ album: Album; added: number }> {
    const made = await api.createAlbum(name.trim())
    const added = await api.addToAlbum(made.id, imageIds)
    await reload()
    return { album: made, added }
  }

  async function removeFromAlbum(id: string, imageIds: string[]): Promise<number> {
    const n = await api.removeFromAlbum(id, imageIds)
    await reload()
    return n
  }

  return {
    albums, tags, loaded, error, album, reload, ensureLoaded,
    createAlbum, renameAlbum, deleteAlbum, addToAlbum, addToNewAlbum, removeFromAlbum,
  }
})
