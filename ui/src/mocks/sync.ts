// Sync of the in-page core (browser-test build only): the setup the core keeps (the secret only as
// "stored"), its status, a connection test and "Sync now", which reports through the core's stream (`sync`
// events) like the real one, and whose pull finishes the jobs other devices run (their images arrive as a
// library change). What the person types decides how the bucket answers:
//   access key id `WRONG`        → sync_credentials        bucket `missing-bucket`  → sync_bucket_missing
//   bucket `read-only`           → sync_read_only          bucket `from-the-future` → sync_format_too_new
//   an endpoint host with `skew` → clock_skew               an endpoint host with `offline` → network
// `sync.hold = true` keeps a running sync at its first upload until it is set back to false.
// Like the core, the saved secret only goes to the endpoint, bucket and access key id it was typed for:
// another one without the secret typed again is `sync_secret_required` (save, test and sync).
// `sync.massDelete = { by, keep, onlyHere }` makes the next pull find that device deleted forever every
// image but the `keep` newest: the core holds those deletions (`pendingDeletions`) until they are applied,
// when the `onlyHere` newest of them go to the Trash instead (their original never left this device).
// `sync.unowned = true`: the bucket's library has no owner yet; the next sync claims it (`claimedLibrary`).
// `?synced` (see ipc.ts) starts with sync set up, two other devices and jobs that run on one of them.
import type {
  ErrorKind, ImageRecord, JobRecord, PeerDevice, PendingDeletions, SyncEvent, SyncReport, SyncSetup, SyncStage, SyncStatus,
} from '@/api'

export interface MockSync {
  setup: SyncSetup
  /** A secret access key is in the (mock) keychain; its value is never kept. */
  secretStored: boolean
  lastSyncMs: number | null
  pendingUploads: number
  pendingDownloads: number
  devices: PeerDevice[]
  /** Milliseconds between progress reports. */
  stepMs: number
  /** Holds a running sync at its upload stage (for a look at its progress). */
  hold: boolean
  /** The location the stored secret was typed for (null: the saved setup's, as the core reads an old one). */
  boundTo: string | null
  /** The next pull finds another device's deletions forever of all but `keep` images (see above). */
  massDelete: { by: string; keep: number; onlyHere: number } | null
  /** Deletions a pull held back until they are applied: the images, and those whose original is only here. */
  held: { ids: string[]; onlyHere: string[]; pending: PendingDeletions } | null
  /** The bucket's library has no owner yet: the next sync claims it. */
  unowned: boolean
}

/** This device, as the core names it in the status. */
export const THIS_DEVICE = 'dev-this-laptop'

export function noSync(): MockSync {
  return {
    setup: { endpoint: '', bucket: '', region: 'auto', prefix: '', accessKeyId: '', keepOriginals: true, cacheMb: 512, autoSync: true },
    secretStored: false, lastSyncMs: null, pendingUploads: 0, pendingDownloads: 0, devices: [], stepMs: 90, hold: false,
    boundTo: null, massDelete: null, held: null, unowned: false,
  }
}

type Fail = { kind: ErrorKind; message: string }
const fail = (kind: ErrorKind, message: string): Fail => ({ kind, message })

/** What the core's `location()` refuses, with its words; null when the setup names a usable place. */
function locationProblem(s: SyncSetup): Fail | null {
  if (!s.endpoint.trim() || !s.bucket.trim() || !s.accessKeyId.trim()) {
    return fail('sync_not_configured', 'sync is not set up: give an endpoint, a bucket and an access key in Settings → Sync (or the NANOFORGE_SYNC_* environment variables)')
  }
  let url: URL | null = null
  try { url = new URL(s.endpoint.trim()) } catch { /* not a URL */ }
  if (!url || !['http:', 'https:'].includes(url.protocol)) return fail('invalid_input', `the sync endpoint '${s.endpoint}' is not an http(s) URL`)
  if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return fail('invalid_input', `the sync endpoint '${s.endpoint}' must use https (plain http only on this computer)`)
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket.trim())) {
    return fail('invalid_input', `'${s.bucket}' is not a bucket name: 3 to 63 lowercase letters, digits, dots and dashes`)
  }
  return null
}

/** Where a setup sends the secret, normalised as the core's binding is. */
const locationKey = (s: SyncSetup) => JSON.stringify([s.endpoint.trim().replace(/\/+$/, ''), s.bucket.trim(), s.accessKeyId.trim()])

const SECRET_ELSEWHERE = fail('sync_secret_required', 'the saved secret access key belongs to another endpoint, bucket or access key id: enter the secret access key again for this location')

/** The stored secret may go to `setup`'s location (the one it was typed for). */
function secretMayGo(sync: MockSync, setup: SyncSetup): boolean {
  const bound = sync.boundTo ?? (locationProblem(sync.setup) == null ? locationKey(sync.setup) : null)
  return bound === locationKey(setup)
}

/** How the (mock) bucket answers this setup, at which stage of a sync. */
function bucketProblem(s: SyncSetup): { at: SyncStage; error: Fail } | null {
  const host = new URL(s.endpoint.trim()).hostname
  if (host.includes('offline')) return { at: 'connecting', error: fail('network', `the sync endpoint cannot be reached: error sending request for url (https://${host}/)`) }
  if (host.includes('skew')) return { at: 'connecting', error: fail('clock_skew', "the bucket refused this device's clock: set the date and time correctly (RequestTimeTooSkewed)") }
  if (s.accessKeyId.trim() === 'WRONG') return { at: 'connecting', error: fail('sync_credentials', 'the bucket refused the access key: check the access key id and the secret (InvalidAccessKeyId, 403)') }
  if (s.bucket === 'missing-bucket') return { at: 'connecting', error: fail('sync_bucket_missing', "there is no bucket 'missing-bucket' at this endpoint: check the bucket name (and the endpoint's account)") }
  if (s.bucket === 'read-only') return { at: 'uploading', error: fail('sync_read_only', 'this access key may read the bucket but not write to it: give the token Object Read & Write permission (AccessDenied on PUT)') }
  if (s.bucket === 'from-the-future') return { at: 'pulling', error: fail('sync_format_too_new', 'the bucket holds a library written by a newer Nanoforge (format 9): update Nanoforge to sync it') }
  return null
}

export function syncStatus(sync: MockSync, profileId: string): SyncStatus {
  const configured = locationProblem(sync.setup) == null
  const prefix = sync.setup.prefix.trim().replace(/^\/+|\/+$/g, '')
  return {
    configured,
    endpoint: configured ? sync.setup.endpoint.trim().replace(/\/+$/, '') : null,
    bucket: configured ? sync.setup.bucket.trim() : null,
    prefix: configured ? (prefix ? `${prefix}/` : `nanoforge/${profileId}/`) : null,
    deviceId: THIS_DEVICE,
    lastSyncMs: sync.lastSyncMs,
    pendingUploads: sync.pendingUploads,
    pendingDownloads: sync.pendingDownloads,
    devices: sync.devices.map((d) => ({ ...d })),
    pendingDeletions: sync.held ? structuredClone(sync.held.pending) : null,
  }
}

export function updateSyncSetup(sync: MockSync, next: SyncSetup, secret: string | null, profileId: string): SyncStatus {
  const configured = !!(next.endpoint.trim() && next.bucket.trim() && next.accessKeyId.trim())
  const problem = configured ? locationProblem(next) : null
  if (problem) throw problem
  const typed = !!(secret && secret.trim())
  if (!typed && configured && sync.secretStored && !secretMayGo(sync, next)) throw SECRET_ELSEWHERE
  if (typed) {
    sync.secretStored = true
    if (configured) sync.boundTo = locationKey(next)
  }
  sync.setup = { ...next }
  return syncStatus(sync, profileId)
}

/** Keys, bucket, endpoint and write access, like the core's connection test. */
export function testConnection(sync: MockSync, setup: SyncSetup, secret: string | null): null {
  const problem = locationProblem(setup)
  if (problem) throw problem
  if (!(secret && secret.trim()) && !sync.secretStored) {
    throw fail('sync_not_configured', 'no secret access key for sync: enter it in Settings → Sync (or set NANOFORGE_SYNC_SECRET_ACCESS_KEY)')
  }
  if (!(secret && secret.trim()) && !secretMayGo(sync, setup)) throw SECRET_ELSEWHERE
  const answer = bucketProblem(setup)
  if (answer) throw answer.error
  return null
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Runs a sync with the saved setup: `started`, a `progress` per step of each stage, then `finished`
 * with the report (or `failed` with the typed error, which the command also rejects with). `pull` applies
 * what the other devices did, at the pulling stage.
 */
export async function syncNow(sync: MockSync, now: number, emit: (e: SyncEvent) => void, pull: () => void = () => {}): Promise<SyncReport> {
  const problem = locationProblem(sync.setup) ?? (sync.secretStored ? null
    : fail('sync_not_configured', 'no secret access key for sync: enter it in Settings → Sync (or set NANOFORGE_SYNC_SECRET_ACCESS_KEY)'))
    ?? (secretMayGo(sync, sync.setup) ? null : SECRET_ELSEWHERE)
  if (problem) {
    emit({ kind: 'failed', error: problem })
    throw problem
  }
  const answer = bucketProblem(sync.setup)
  const up = Math.max(sync.pendingUploads, 3)
  const down = Math.max(sync.pendingDownloads, 1)
  const stages: [SyncStage, number][] = [['connecting', 0], ['uploading', up], ['pushing', 1], ['pulling', 1], ['downloading', down], ['cleaning', 0]]
  emit({ kind: 'started' })
  for (const [stage, total] of stages) {
    for (let done = 0; done <= total; done++) {
      await wait(sync.stepMs)
      if (answer?.at === stage) {
        emit({ kind: 'failed', error: answer.error })
        throw answer.error
      }
      if (stage === 'pulling' && done === total) pull()
      emit({ kind: 'progress', progress: { stage, done, total, bytes: done * 900_000 } })
      // A held sync waits here, after its first upload, until released.
      while (sync.hold && stage === 'uploading' && done >= 1) await wait(20)
    }
  }
  const report: SyncReport = {
    uploadedFiles: up, downloadedFiles: down, deletedFiles: 0, opsPushed: up + 2, opsPulled: 2, segmentsPushed: 1,
    segmentsPulled: 1, newImages: down, filesLeft: 0, durationMs: sync.stepMs * (up + down + 6),
    pendingDeletions: sync.held ? structuredClone(sync.held.pending) : null, claimedLibrary: sync.unowned,
  }
  Object.assign(sync, { lastSyncMs: now, pendingUploads: 0, pendingDownloads: 0, unowned: false })
  emit({ kind: 'finished', report })
  return report
}

/**
 * A pull that finds `sync.massDelete`: another device deleted forever all but the newest images. More than
 * 10 and more than half of the library, so (like the core) they are held, not applied.
 */
export function holdMassDelete(sync: MockSync, images: ImageRecord[]) {
  const steer = sync.massDelete
  if (!steer) return
  sync.massDelete = null
  const newest = [...images].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
  const ids = newest.slice(steer.keep).map((i) => i.id)
  if (ids.length <= 10 || ids.length * 2 <= images.length) return
  const name = sync.devices.find((d) => d.id === steer.by)?.name ?? null
  sync.held = {
    ids, onlyHere: ids.slice(0, steer.onlyHere),
    pending: { count: ids.length, librarySize: images.length, devices: [{ deviceId: steer.by, name, count: ids.length }] },
  }
}

/**
 * Sync set up, with two other devices, and two jobs of the phone: one it is running, one whose paid result
 * it can still recover. `job` builds records like the seed library's.
 */
export function withPeers(sync: MockSync, jobs: JobRecord[], now: number, job: (i: number, over: Partial<JobRecord>) => JobRecord) {
  const setup = { ...sync.setup, endpoint: 'https://0123abcd.r2.cloudflarestorage.com', bucket: 'nanoforge-photos', accessKeyId: 'a1b2c3d4e5' }
  Object.assign(sync, {
    setup, boundTo: locationKey(setup),
    secretStored: true, lastSyncMs: now - 40 * 60_000, pendingUploads: 2, pendingDownloads: 1,
    devices: [
      { id: 'dev-pixel-8', name: 'Pixel 8', platform: 'android', lastSeenMs: now - 6 * 60_000 },
      { id: 'dev-studio', name: 'Studio iMac', platform: 'macos', lastSeenMs: now - 3 * 86_400_000 },
    ],
  } satisfies Partial<MockSync>)
  const at = (minutes: number) => now - minutes * 60_000
  jobs.push(
    job(0, {
      id: 'job-pixel-1', prompt: 'A paper lantern festival over a river at night, long exposure', status: 'PROCESSING',
      originDevice: 'dev-pixel-8', remoteTaskId: 'task-pixel-1', cost: 0, completedAt: null, durationMs: null,
      createdAt: at(3), updatedAt: at(3), submittedAt: at(3),
    }),
    job(0, {
      id: 'job-pixel-2', prompt: 'Glass greenhouse in a snowy forest, warm light inside', status: 'RECOVERABLE',
      originDevice: 'dev-pixel-8', remoteTaskId: 'task-pixel-2', cost: 0, errorKind: 'timeout', durationMs: null,
      errorMessage: 'Still generating after 3 min; the task is kept at the service and can be recovered.',
      createdAt: at(50), updatedAt: at(45), completedAt: at(45),
    }),
  )
}
