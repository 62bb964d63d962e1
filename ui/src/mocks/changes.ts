// The in-page core's change feed (browser-test build only), like core/src/library/changes.rs: every write
// to a mock library notes what it committed; notes of one profile are merged for a short window and sent
// as one `LibraryChange`; past 200 ids of one kind the change says `all`.
import type { ChangedIds, LibraryChange } from '@/api'

const WINDOW_MS = 40
const MAX_IDS = 200

/** What one write committed (only what it touched). */
export interface ChangeNote {
  images?: Partial<ChangedIds>
  jobs?: Partial<ChangedIds>
  stats?: boolean
  preferences?: boolean
  sync?: boolean
  references?: boolean
  /** Albums or tags changed. */
  organise?: boolean
  /** Saved prompts or wildcard lists. */
  prompts?: boolean
}

const noIds = (): ChangedIds => ({ added: [], updated: [], removed: [], all: false })

function mergeIds(into: ChangedIds, note: Partial<ChangedIds> | undefined): ChangedIds {
  if (!note) return into
  if (into.all || note.all) return { ...noIds(), all: true }
  const union = (a: string[], b: string[] | undefined) => [...a, ...(b ?? []).filter((id) => !a.includes(id))]
  const removed = union(into.removed, note.removed)
  // An image added and removed in one window is simply gone; one added and then edited is new.
  const added = union(into.added, note.added).filter((id) => !removed.includes(id))
  const updated = union(into.updated, note.updated).filter((id) => !added.includes(id) && !removed.includes(id))
  if (added.length + updated.length + removed.length > MAX_IDS) return { ...noIds(), all: true }
  return { added, updated, removed, all: false }
}

/** Notes of every profile, each sent to `send` once its window closes. */
export function createChangeFeed(send: (change: LibraryChange) => void) {
  const pending = new Map<string, LibraryChange>()

  function note(profileId: string, n: ChangeNote) {
    let change = pending.get(profileId)
    if (!change) {
      change = { profileId, images: noIds(), jobs: noIds(), stats: false, preferences: false, sync: false, references: false, organise: false, prompts: false }
      pending.set(profileId, change)
      setTimeout(() => {
        const ready = pending.get(profileId)
        pending.delete(profileId)
        if (ready) send(ready)
      }, WINDOW_MS)
    }
    change.images = mergeIds(change.images, n.images)
    change.jobs = mergeIds(change.jobs, n.jobs)
    change.stats ||= !!n.stats
    change.preferences ||= !!n.preferences
    change.sync ||= !!n.sync
    change.references ||= !!n.references
    change.organise ||= !!n.organise
    change.prompts ||= !!n.prompts
  }

  return { note }
}
