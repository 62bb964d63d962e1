// Sync as a person reads it: which of the core's typed error kinds means what to do (check the access key,
// update Nanoforge, fix the clock), and how far a running sync is. The core says what went wrong (its kind
// and message); these only pick the sentence that goes with the kind.
import type { ErrorKind, SyncProgress, SyncSetup, SyncStage } from '@/api'

/**
 * The i18n key (under `sync.errors`) of the sentence for each kind a sync or its connection test fails with;
 * other kinds get the general one beside the core's own message.
 */
const SYNC_ERROR_SENTENCES: Partial<Record<ErrorKind, string>> = {
  sync_not_configured: 'notConfigured',
  unreadable: 'unreadable',
  sync_credentials: 'credentials',
  sync_bucket_missing: 'bucketMissing',
  sync_read_only: 'readOnly',
  sync_format_too_new: 'formatTooNew',
  clock_skew: 'clockSkew',
  network: 'network',
  timeout: 'network',
  sync_tls: 'tls',
  sync_server: 'server',
  sync_refused: 'refused',
  sync_busy: 'busy',
  sync_other_account: 'otherAccount',
  sync_secret_required: 'secretRequired',
  invalid_input: 'invalidInput',
  keychain: 'keychain',
  io: 'local',
}

/** The i18n key of the sentence that says what to do about a sync failure of `kind`. */
export function syncErrorSentence(kind: ErrorKind): string {
  return `sync.errors.${SYNC_ERROR_SENTENCES[kind] ?? 'other'}`
}

/** Every stage a running sync reports, for its label (a `Record`, so a stage added in the core fails here). */
export const SYNC_STAGES: Record<SyncStage, string> = {
  connecting: 'sync.stage.connecting',
  uploading: 'sync.stage.uploading',
  pushing: 'sync.stage.pushing',
  pulling: 'sync.stage.pulling',
  downloading: 'sync.stage.downloading',
  cleaning: 'sync.stage.cleaning',
  done: 'sync.stage.done',
}

/** How far the current stage is, 0–1, or null when it has not said how much there is. */
export function stageShare(progress: SyncProgress | null): number | null {
  if (!progress || progress.total <= 0) return null
  return Math.min(progress.done / progress.total, 1)
}

/** The typed secret to send, or null to keep the stored one (an empty box never clears it). */
export function secretToSend(typed: string): string | null {
  const secret = typed.trim()
  return secret === '' ? null : secret
}

type Location = Pick<SyncSetup, 'endpoint' | 'bucket' | 'accessKeyId'>

/** Where a setup sends the secret, as the core compares it (trimmed; an endpoint without trailing slashes). */
function locationOf(s: Location): string {
  return JSON.stringify([s.endpoint.trim().replace(/\/+$/, ''), s.bucket.trim(), s.accessKeyId.trim()])
}

/**
 * Whether `next` sends the secret somewhere other than `saved` does: another endpoint, bucket or access key
 * ID. The core then refuses the saved secret (`sync_secret_required`) until it is typed again.
 */
export function locationChanged(saved: Location, next: Location): boolean {
  return locationOf(saved) !== locationOf(next)
}
