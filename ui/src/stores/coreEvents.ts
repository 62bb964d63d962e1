import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, type CoreEvent, type JobEvent, type LibraryChange, type SyncEvent } from '@/api'
import { useProfileStore } from '@/stores/profile'

type Handlers<T> = Set<(payload: T) => void>

/**
 * The page's one subscription to the core's stream (`api.onCoreChanged`), handed to the stores that follow
 * it: job progress, committed library changes, syncs, and the app quitting while paid requests are in flight
 * (about the app, not a profile: it reaches its handlers whatever is open). A store registers its handler
 * once, when it is first used, and updates itself; a profile switch goes to the profile store, which resets
 * every profile-scoped store. Events about another profile than the open one (a closed profile's queue handing back its jobs)
 * reach nobody. App.vue starts it for the window's lifetime and stops it on unmount; views that show live
 * progress may start it too (it subscribes once).
 */
export const useCoreEventsStore = defineStore('coreEvents', () => {
  const following = ref(false)
  const jobHandlers: Handlers<JobEvent> = new Set()
  const libraryHandlers: Handlers<LibraryChange> = new Set()
  const syncHandlers: Handlers<SyncEvent> = new Set()
  const quittingHandlers: Handlers<number> = new Set()
  const profile = useProfileStore()
  let starting: Promise<void> | null = null
  let unlisten: (() => void) | null = null

  function deliver<T>(handlers: Handlers<T>, payload: T) {
    for (const handler of [...handlers]) {
      try {
        handler(payload)
      } catch (e) {
        console.warn('a core event handler failed', e)
      }
    }
  }

  function dispatch(event: CoreEvent) {
    switch (event.kind) {
      case 'profile':
        void profile.open(event.profile)
        break
      case 'job':
        if (profile.isCurrent(event.event.profileId)) deliver(jobHandlers, event.event)
        break
      case 'library':
        if (profile.isCurrent(event.change.profileId)) deliver(libraryHandlers, event.change)
        break
      case 'sync':
        if (profile.isCurrent(event.profileId)) deliver(syncHandlers, event.event)
        break
      case 'quitting':
        deliver(quittingHandlers, event.paidRequests)
        break
    }
  }

  /** Subscribes once; rejects with the typed error when the window may not listen (live updates are lost then). */
  function start(): Promise<void> {
    starting ??= (async () => {
      following.value = true
      const off = await api.onCoreChanged(dispatch)
      if (following.value) unlisten = off
      else off()
    })().catch((e: unknown) => {
      following.value = false
      starting = null
      throw e
    })
    return starting
  }

  function stop() {
    following.value = false
    starting = null
    unlisten?.()
    unlisten = null
  }

  /** Each returns the function that removes the handler (stores keep theirs for the window's lifetime). */
  function onJob(handler: (event: JobEvent) => void) { return add(jobHandlers, handler) }
  /**
   * Every committed change; each store reads only what it shows (image or job ids, `stats`, `preferences`,
   * `sync`, and `references` for the list of named references), so a change of one kind reloads nothing else.
   */
  function onLibrary(handler: (change: LibraryChange) => void) { return add(libraryHandlers, handler) }
  function onSync(handler: (event: SyncEvent) => void) { return add(syncHandlers, handler) }
  /** The app is quitting and waits for this many paid requests to be recorded before it exits. */
  function onQuitting(handler: (paidRequests: number) => void) { return add(quittingHandlers, handler) }

  function add<T>(handlers: Handlers<T>, handler: (payload: T) => void): () => void {
    handlers.add(handler)
    return () => { handlers.delete(handler) }
  }

  return { following, start, stop, dispatch, onJob, onLibrary, onSync, onQuitting }
})
