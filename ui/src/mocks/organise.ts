// The in-page core's albums and tags (browser-test build only), like core/src/library/albums.rs and tags.rs:
// albums by name (unique in any case), memberships per (image, album), tags kept trimmed and in lower case;
// the gallery's organising filters (rating, model, provider, album, tag) and sorts (newest, oldest, rating)
// with the core's keyset paging. Seeded with an album and a few tags so the filters have something to find.
import type { Album, Cursor, ImageLabels, ImageQuery, ImageRecord, JobRecord, TagCount } from '@/api'
import { refuse } from './generation'
import type { ChangeNote } from './changes'

export interface MockOrganise {
  albums: { id: string; name: string; createdAt: number; updatedAt: number }[]
  /** album id → image ids in it. */
  members: Map<string, Set<string>>
  /** image id → its tags. */
  tags: Map<string, Set<string>>
  nextAlbum: number
}

type Library = { images: ImageRecord[]; jobs: JobRecord[]; organise?: MockOrganise }

/** The library's albums and tags, made (and seeded) on first use: every image in three tagged "sea", every
 * fourth "portrait", every fifth in the album "Trips". */
export function organiseOf(s: Library, now: number): MockOrganise {
  if (s.organise) return s.organise
  const o: MockOrganise = { albums: [], members: new Map(), tags: new Map(), nextAlbum: 1 }
  if (s.images.length > 0) {
    const trips = { id: 'album-0001', name: 'Trips', createdAt: now, updatedAt: now }
    o.albums.push(trips)
    o.nextAlbum = 2
    o.members.set(trips.id, new Set())
    s.images.forEach((img, i) => {
      const tags = new Set<string>()
      if (i % 3 === 0) tags.add('sea')
      if (i % 4 === 1) tags.add('portrait')
      if (tags.size) o.tags.set(img.id, tags)
      if (i % 5 === 2) o.members.get(trips.id)?.add(img.id)
    })
  }
  s.organise = o
  return o
}

/** A tag as the core keeps it: single spaces, trimmed, lower case. */
export function normalizeTag(tag: string): string {
  const t = tag.split(/\s+/).filter(Boolean).join(' ').toLowerCase()
  if (!t) refuse('invalid_input', 'a tag cannot be empty')
  return t
}

/** The organising filters of `q` (the older ones are `matchesImage`'s). */
export function matchesOrganise(s: Library, o: MockOrganise, img: ImageRecord, q: ImageQuery): boolean {
  if (q.minRating != null && q.minRating > 0 && img.rating < q.minRating) return false
  if (q.model != null && img.model !== q.model) return false
  if (q.provider != null && s.jobs.find((j) => j.id === img.jobId)?.provider !== q.provider) return false
  if (q.album != null && !o.members.get(q.album)?.has(img.id)) return false
  if (q.tag != null && !o.tags.get(img.id)?.has(normalizeTag(q.tag))) return false
  if (q.search) {
    // Search covers tags and album names too: each word in the prompt, a tag or an album's name.
    const words = q.search.toLowerCase().split(/\s+/).filter(Boolean)
    const names = o.albums.filter((a) => o.members.get(a.id)?.has(img.id)).map((a) => a.name.toLowerCase())
    const text = [(img.prompt ?? '').toLowerCase(), ...(o.tags.get(img.id) ?? []), ...names].join(' ')
    if (!words.every((w) => text.includes(w))) return false
  }
  return true
}

/** Keyset pages in the query's sort, like the core: the rating sort's cursor carries the rating. */
export function sortedPage(rows: ImageRecord[], q: ImageQuery) {
  const sort = q.sort ?? 'newest'
  const key = (r: ImageRecord): [number, number, string] => [sort === 'rating' ? r.rating : 0, r.createdAt ?? 0, r.id]
  const cmp = (a: [number, number, string], b: [number, number, string]) =>
    a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0)
  const dir = sort === 'oldest' ? 1 : -1
  const sorted = [...rows].sort((a, b) => dir * cmp(key(a), key(b)))
  const c: Cursor | null | undefined = q.cursor
  const at: [number, number, string] | null = c ? [sort === 'rating' ? (c.rating ?? 0) : 0, c.createdAt ?? 0, c.id] : null
  const after = at ? sorted.filter((r) => dir * cmp(key(r), at) > 0) : sorted
  const n = Math.min(Math.max(q.limit ?? 100, 1), 500)
  const items = after.slice(0, n)
  const last = items[items.length - 1]
  const nextCursor = after.length > n && last
    ? { createdAt: last.createdAt, id: last.id, ...(sort === 'rating' ? { rating: last.rating } : {}) }
    : null
  return { items, nextCursor }
}

/** The album and tag commands, on the open library; `changed` notes what each committed. */
export function organiseHandlers(lib: () => Library, now: number, changed: (note: ChangeNote) => void) {
  const o = () => organiseOf(lib(), now)
  const live = (id: string) => lib().images.some((i) => i.id === id && i.deletedAt == null)
  const count = (albumId: string) => [...(o().members.get(albumId) ?? [])].filter(live).length
  const album = (a: MockOrganise['albums'][number]): Album => ({ ...a, images: count(a.id) })
  const find = (id: string) => o().albums.find((a) => a.id === id) ?? refuse('not_found', `album ${id}`)
  const named = (name: string) => o().albums.find((a) => a.name.toLowerCase() === name.trim().toLowerCase())
  const checkName = (name: string) => {
    const n = name.trim()
    if (!n) refuse('invalid_input', 'an album name cannot be empty')
    if (n.length > 100) refuse('invalid_input', 'an album name has at most 100 characters')
    return n
  }
  const labels = (imageId: string): ImageLabels => ({
    imageId,
    albums: o().albums.filter((a) => o().members.get(a.id)?.has(imageId)).map((a) => ({ id: a.id, name: a.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    tags: [...(o().tags.get(imageId) ?? [])].sort(),
  })
  const image = (id: string) => lib().images.find((i) => i.id === id) ?? refuse('not_found', `image ${id}`)
  return {
    list_albums: () => [...o().albums].sort((a, b) => a.name.localeCompare(b.name)).map(album),
    album_named: (a: Record<string, unknown>) => album(named(String(a.name)) ?? refuse('not_found', `album '${String(a.name)}'`)),
    create_album: (a: Record<string, unknown>) => {
      const name = checkName(String(a.name))
      const had = named(name)
      if (had) return album(had)
      const made = { id: `album-${String(o().nextAlbum++).padStart(4, '0')}`, name, createdAt: now, updatedAt: now }
      o().albums.push(made)
      o().members.set(made.id, new Set())
      changed({ organise: true })
      return album(made)
    },
    rename_album: (a: Record<string, unknown>) => {
      const target = find(String(a.id))
      const name = checkName(String(a.name))
      const other = named(name)
      if (other && other.id !== target.id) refuse('invalid_input', `an album called '${other.name}' exists`)
      target.name = name
      target.updatedAt = now
      changed({ organise: true, images: { updated: [...(o().members.get(target.id) ?? [])] } })
      return album(target)
    },
    delete_album: (a: Record<string, unknown>) => {
      const target = find(String(a.id))
      o().albums = o().albums.filter((x) => x.id !== target.id)
      const ids = [...(o().members.get(target.id) ?? [])]
      o().members.delete(target.id)
      changed({ organise: true, images: { updated: ids } })
      return null
    },
    add_to_album: (a: Record<string, unknown>) => {
      const target = find(String(a.id))
      const set = o().members.get(target.id) ?? new Set<string>()
      o().members.set(target.id, set)
      const added = (a.imageIds as string[]).filter((id) => lib().images.some((i) => i.id === id) && !set.has(id))
      for (const id of added) set.add(id)
      if (added.length) changed({ organise: true, images: { updated: added } })
      return added.length
    },
    remove_from_album: (a: Record<string, unknown>) => {
      const set = o().members.get(find(String(a.id)).id)
      const removed = (a.imageIds as string[]).filter((id) => set?.delete(id))
      if (removed.length) changed({ organise: true, images: { updated: removed } })
      return removed.length
    },
    list_tags: (): TagCount[] => {
      const counts = new Map<string, number>()
      for (const [id, tags] of o().tags) if (live(id)) for (const t of tags) counts.set(t, (counts.get(t) ?? 0) + 1)
      return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([tag, images]) => ({ tag, images }))
    },
    add_tags: (a: Record<string, unknown>) => {
      const id = image(String(a.imageId)).id
      const tags = (a.tags as string[]).map(normalizeTag)
      const set = o().tags.get(id) ?? new Set<string>()
      o().tags.set(id, set)
      const fresh = tags.filter((t) => !set.has(t))
      for (const t of fresh) set.add(t)
      if (fresh.length) changed({ organise: true, images: { updated: [id] } })
      return labels(id)
    },
    remove_tags: (a: Record<string, unknown>) => {
      const id = image(String(a.imageId)).id
      const set = o().tags.get(id)
      const gone = (a.tags as string[]).map(normalizeTag).filter((t) => set?.delete(t))
      if (gone.length) changed({ organise: true, images: { updated: [id] } })
      return labels(id)
    },
    image_labels: (a: Record<string, unknown>) => (a.imageIds as string[]).map(labels),
  }
}
