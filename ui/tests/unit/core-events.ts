// The core's one stream as the specs play it: `onCoreChanged` for the replaced `api`, and helpers that send
// each kind of event the way the shell would (a job's step, committed library changes, a sync, a switch).
import { vi } from 'vitest'
import type { ChangedIds, CoreEvent, JobStage, LibraryChange, ProfileSummary, SyncEvent } from '@/api'

export type FakeCoreEvents = ReturnType<typeof fakeCoreEvents>

export function fakeCoreEvents() {
  let handlers: ((e: CoreEvent) => void)[] = []
  const unlisten = vi.fn()

  /** Stands in for `api.onCoreChanged`. */
  const onCoreChanged = vi.fn(async (handler: (e: CoreEvent) => void) => {
    handlers.push(handler)
    return () => {
      handlers = handlers.filter((h) => h !== handler)
      unlisten()
    }
  })

  function emit(event: CoreEvent) {
    for (const h of [...handlers]) h(event)
  }

  return {
    onCoreChanged,
    unlisten,
    emit,
    /** How many subscriptions are open. */
    listeners: () => handlers.length,
    job(jobId: string, stage: JobStage, profileId = 'local') {
      emit({ kind: 'job', event: { profileId, jobId, at: 1, stage } })
    },
    library(change: Partial<Omit<LibraryChange, 'images' | 'jobs'>> & { images?: Partial<ChangedIds>; jobs?: Partial<ChangedIds> }) {
      emit({ kind: 'library', change: libraryChange(change) })
    },
    sync(event: SyncEvent, profileId = 'local') {
      emit({ kind: 'sync', profileId, event })
    },
    profile(profile: ProfileSummary) {
      emit({ kind: 'profile', profile })
    },
  }
}

export const ids = (over: Partial<ChangedIds> = {}): ChangedIds => ({ added: [], updated: [], removed: [], all: false, ...over })

/** A library change with nothing in it but what is given. */
export function libraryChange(
  over: Partial<Omit<LibraryChange, 'images' | 'jobs'>> & { images?: Partial<ChangedIds>; jobs?: Partial<ChangedIds> } = {},
): LibraryChange {
  return {
    profileId: 'local', stats: false, preferences: false, sync: false, references: false, organise: false, prompts: false, ...over, images: ids(over.images), jobs: ids(over.jobs),
  }
}
