// The UI's only door to Rust: thin wrappers over the generated bindings that turn the
// `{ status, data | error }` results into values or thrown `ApiError`s with a typed kind.
// Stores and views import from here only; unit tests replace this module.
import { Channel, invoke } from '@tauri-apps/api/core'
import { call } from './call'
import { gridApi } from './grid'
import { organiseApi } from './organise'
import { batchesApi } from './batches'
import { editingApi } from './editing'
import {
  commands,
  events,
  type AccountsState_Serialize,
  type ApiKeyStatus_Serialize,
  type AppInfo,
  type AspectRatio,
  type BudgetLevel,
  type BudgetStatus_Serialize,
  type Catalog_Serialize,
  type ChangedIds,
  type CheckedKey_Serialize,
  type ClientSource,
  type CrashReport_Serialize,
  type CoreEvent_Serialize,
  type CreditsInfo_Serialize,
  type Cursor,
  type DayStats,
  type DeletionsBy_Serialize,
  type EditQuote,
  type ImageFlag,
  type JobPurpose,
  type PayloadMeter,
  type Reference,
  type ErrorKind,
  type GenerateOptions_Deserialize,
  type GenerationRequest_Deserialize,
  type ImagePage_Serialize,
  type ImageQuery_Deserialize,
  type ImageRecord_Serialize,
  type ImageSize,
  type ImageSort,
  type GalleryView,
  type InputMode,
  type IntegrityReport,
  type KeySource,
  type LibraryChange,
  type JobEvent_Serialize,
  type JobFamily_Serialize,
  type JobPage_Serialize,
  type JobQuery_Deserialize,
  type JobRecord_Serialize,
  type JobStage_Serialize,
  type JobStatus,
  type KeyCheck,
  type LibraryStats_Serialize,
  type MetadataSource,
  type Model,
  type ModelInfo_Serialize,
  type PeerDevice_Serialize,
  type PendingApplied,
  type PendingDeletions_Serialize,
  type Preferences_Serialize,
  type PriceBasis,
  type PriceInEffect,
  type PriceOverride,
  type ProfileKind,
  type ProfileSummary_Serialize,
  type ProviderInfo_Serialize,
  type ProviderKind,
  type Quote,
  type ExpectedTime,
  type RecalledSettings_Serialize,
  type SecretPurpose,
  type SignInClientStatus_Serialize,
  type AvailableUpdate_Serialize,
  type BatchPlan,
  type BatchState,
  type BatchSummary,
  type ExpansionMode,
  type PlannedJob,
  type SavedPrompt,
  type WildcardList,
  type UpdateProgress_Deserialize,
  type UpdateSettings_Serialize,
  type SignInStarted,
  type SizeOption_Serialize,
  type SizeStats,
  type StatsQuery_Deserialize,
  type StatsTotals_Serialize,
  type SyncEvent_Serialize,
  type SyncProgress,
  type SyncReport_Serialize,
  type SyncSetup_Serialize,
  type SyncStage,
  type SyncStatus_Serialize,
} from '@/bindings'
import { toApiError } from './errors'
import { platform } from './platform'
import { pngHeadBeforeImageData } from '@/lib/png'

// What the core sends (`_Serialize`) and accepts (`_Deserialize`, optional fields optional), under plain names.
export type AccountsState = AccountsState_Serialize
export type ApiKeyStatus = ApiKeyStatus_Serialize
export type BudgetStatus = BudgetStatus_Serialize
/** Models, providers and the open profile's prices in effect: the one source of these rules. */
export type Catalog = Catalog_Serialize
/** One thing the core did that the page may show (a job's step, committed library changes, a sync, a profile switch). */
export type CoreEvent = CoreEvent_Serialize
/** A profile's saved choices (defaults, prices, budget). What the core sends; it accepts the same shape. */
export type Preferences = Preferences_Serialize
export type CreditsInfo = CreditsInfo_Serialize
export type ImagePage = ImagePage_Serialize
export type JobPage = JobPage_Serialize
export type RecalledSettings = RecalledSettings_Serialize
export type GenerateOptions = GenerateOptions_Deserialize
export type GenerationRequest = GenerationRequest_Deserialize
export type ImageQuery = ImageQuery_Deserialize
export type ImageRecord = ImageRecord_Serialize
export type JobEvent = JobEvent_Serialize
export type JobFamily = JobFamily_Serialize
export type JobQuery = JobQuery_Deserialize
export type JobRecord = JobRecord_Serialize
export type JobStage = JobStage_Serialize
export type ProfileSummary = ProfileSummary_Serialize
export type LibraryStats = LibraryStats_Serialize
export type ModelInfo = ModelInfo_Serialize
export type ProviderInfo = ProviderInfo_Serialize
export type SizeOption = SizeOption_Serialize
export type StatsQuery = StatsQuery_Deserialize
export type StatsTotals = StatsTotals_Serialize
export type PeerDevice = PeerDevice_Serialize
/** Another device's deletions forever that a sync held back until the person says so. */
export type PendingDeletions = PendingDeletions_Serialize
/** One device's share of `PendingDeletions`. */
export type DeletionsBy = DeletionsBy_Serialize
/** Where and how the profile syncs. What the core sends; it accepts the same shape. Never secret: the secret access key travels apart. */
export type SyncSetup = SyncSetup_Serialize
export type SyncStatus = SyncStatus_Serialize
export type SyncEvent = SyncEvent_Serialize
export type SyncReport = SyncReport_Serialize
/** Which sign-in client this device uses and where it comes from (never its secret). */
export type SignInClientStatus = SignInClientStatus_Serialize
/** A newer version of the app the update endpoint offers (notes are plain text). */
export type AvailableUpdate = AvailableUpdate_Serialize
/** How far an update's download has come. */
export type UpdateProgress = UpdateProgress_Deserialize
/** Settings → Updates: check automatically, the address, the skipped version, the last check's failure. */
export type UpdateSettings = UpdateSettings_Serialize
/** One crash the panic hook wrote, shown at the next start ("Nanoforge closed unexpectedly"). */
export type CrashReport = CrashReport_Serialize
/** A key saved after its service was asked: accepted, or saved "not checked yet" (offline) with the reason. */
export type CheckedKey = CheckedKey_Serialize
/** How long a model at a size usually takes here (median, p90, from this library's latest finished jobs). */
export type { ExpectedTime }
export type { ClientSource, KeyCheck }
export type { SavedPrompt, WildcardList }
export type { BatchPlan, BatchState, BatchSummary, ExpansionMode, PlannedJob }
export type { EditQuote, ImageFlag, JobPurpose, PayloadMeter, Reference }
export type {
  AppInfo, AspectRatio, BudgetLevel, ChangedIds, Cursor, DayStats, ErrorKind, GalleryView, ImageSize, ImageSort, InputMode, IntegrityReport,
  JobStatus, KeySource, LibraryChange, MetadataSource, Model, PendingApplied, PriceBasis, PriceInEffect, PriceOverride, ProfileKind,
  ProviderKind, Quote, SecretPurpose, SignInStarted, SizeStats, SyncProgress, SyncStage,
}

export { ApiError, errorKind, errorMessage, toApiError } from './errors'
export type { Album, AlbumLabel, ImageLabels, TagCount } from './organise'
export { gridImageOf, type GridImage, type GridPage } from './grid'
export type { BatchRequest, BatchStatus, NewPrompt, PromptQuery, RecordedBatch } from './batches'
export type { EditRequest, Lineage, LineageNode } from './editing'

/** Subscribes to an event; resolves to the function that stops listening (call it on unmount). */
async function listen(subscribe: Promise<() => void>): Promise<() => void> {
  try {
    return await subscribe
  } catch (e) {
    throw toApiError(e)
  }
}

/**
 * Runs a command that reads a file's bytes as the request's raw body (the generated bindings show these
 * without arguments): a `Uint8Array` crosses IPC as bytes, not as a JSON array of numbers.
 */
async function callWithBytes<T>(command: string, bytes: Uint8Array): Promise<T> {
  try {
    return await invoke<T>(command, bytes)
  } catch (e) {
    throw toApiError(e)
  }
}

/** A view into a larger buffer is copied out, so only its own bytes travel. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

export const api = {
  // The grid's thin records (./grid.ts)
  ...gridApi,
  // Albums and tags (./organise.ts)
  ...organiseApi,
  // App, the profile's preferences and its keys
  appInfo: async (): Promise<AppInfo> => call(commands.appInfo()),
  /**
   * While the app waits for paid requests before it exits (a `quitting` event): stop at once. The job is
   * left in its honest state (may be charged, never sent again) and the app exits.
   */
  quitNow: async (): Promise<void> => { await call(commands.quitNow()) },
  getPreferences: async (): Promise<Preferences> => call(commands.getPreferences()),
  /** Validates, saves and applies them (new prices take effect at once: read the catalog again). */
  updatePreferences: async (preferences: Preferences): Promise<Preferences> => call(commands.updatePreferences(preferences)),
  /** The open profile's key for `purpose`, masked (the key itself never leaves the core). */
  keyStatus: async (purpose: SecretPurpose): Promise<ApiKeyStatus> => call(commands.keyStatus(purpose)),
  /** Stores the key in the OS keychain for the open profile (never in the library). */
  setKey: async (purpose: SecretPurpose, key: string): Promise<ApiKeyStatus> => call(commands.setKey(purpose, key)),
  clearKey: async (purpose: SecretPurpose): Promise<ApiKeyStatus> => call(commands.clearKey(purpose)),
  /**
   * Asks the key's service whether it takes the key, then saves it (offline: saved, `notChecked`, with the
   * reason). A refused key throws `api_key_rejected` and nothing is saved.
   */
  checkAndSetKey: async (purpose: SecretPurpose, key: string): Promise<CheckedKey> => call(commands.checkAndSetKey(purpose, key)),

  // First run and diagnostics (device-wide, not the open profile's)
  /** The first-run welcome was closed: it does not come back on this device. */
  dismissWelcome: async (): Promise<void> => { await call(commands.dismissWelcome()) },
  /** Looks for a newer version; `background` (after the window opens) is quiet and honours the settings and a skipped version. */
  checkForUpdate: async (background: boolean): Promise<AvailableUpdate | null> => call(commands.checkForUpdate(background)),
  /** Downloads, verifies (signature) and installs the update the last check found, reporting progress. */
  installUpdate: async (onProgress: (p: UpdateProgress) => void): Promise<void> => {
    const channel = new Channel<UpdateProgress>()
    channel.onmessage = onProgress
    await call(commands.installUpdate(channel))
  },
  /** How long one job of a model at a size usually takes here; null until enough have finished. */
  expectedTime: async (model: Model, size: ImageSize): Promise<ExpectedTime | null> => call(commands.expectedTime(model, size)),
  /** Restarts into the installed version. */
  restartToUpdate: async (): Promise<void> => { await call(commands.restartToUpdate()) },
  /** Background checks stop offering this version. */
  skipUpdate: async (version: string): Promise<UpdateSettings> => call(commands.skipUpdate(version)),
  updateSettings: async (): Promise<UpdateSettings> => call(commands.updateSettings()),
  /** Saves "check automatically" and the update address (null or empty: the build's). */
  setUpdateSettings: async (autoCheck: boolean, endpoint: string | null): Promise<UpdateSettings> =>
    call(commands.setUpdateSettings(autoCheck, endpoint)),
  /** Crashes the panic hook wrote that no one has seen yet, oldest first. */
  unseenCrashes: async (): Promise<CrashReport[]> => call(commands.unseenCrashes()),
  /** The crash dialog was closed: those reports are not shown again. */
  acknowledgeCrashes: async (): Promise<number> => call(commands.acknowledgeCrashes()),
  /** Version, OS, web view, crashes and the last log lines, with secrets already masked by the core. */
  diagnosticsReport: async (): Promise<string> => call(commands.diagnosticsReport()),
  /** Shows the app's log folder in the file manager. */
  openLogsFolder: async (): Promise<void> => { await call(commands.openLogsFolder()) },

  // Accounts
  /** The profiles on this device, the open one, and whether this build can sign in. */
  accountsState: async (): Promise<AccountsState> => call(commands.accountsState()),
  /** Starts a sign-in; the shell opens the system browser itself (it can fail silently: show the URL). */
  beginSignIn: async (): Promise<SignInStarted> => call(commands.beginSignIn()),
  /** Resolves with the new open profile when the browser comes back, or rejects with a typed kind. */
  finishSignIn: async (): Promise<ProfileSummary> => call(commands.finishSignIn()),
  cancelSignIn: async (): Promise<void> => { await call(commands.cancelSignIn()) },
  /** Opens another profile of this device (no network). */
  switchProfile: async (id: string): Promise<ProfileSummary> => call(commands.switchProfile(id)),
  /** Back to the local library; the account's files stay on this device. */
  signOut: async (): Promise<ProfileSummary> => call(commands.signOut()),
  /** Deletes a profile's library folder and keys from this device; a warning when its keys could not be deleted. */
  removeProfile: async (id: string): Promise<string | null> => call(commands.removeProfile(id)),
  /** The sign-in client in use and where it comes from: the environment, this device's own, or the build's. */
  signInClient: async (): Promise<SignInClientStatus> => call(commands.signInClient()),
  /** Uses the person's own client on this device; the secret goes to the OS keychain (`keychain` error when there is none). */
  setSignInClient: async (clientId: string, clientSecret: string | null): Promise<SignInClientStatus> =>
    call(commands.setSignInClient(clientId, clientSecret)),
  /** Forgets this device's own client (id and secret); the environment's or the build's applies again. */
  clearSignInClient: async (): Promise<SignInClientStatus> => call(commands.clearSignInClient()),
  /** Runs the client's issuer discovery (no browser opens); throws what went wrong. */
  testSignInClient: async (): Promise<SignInClientStatus> => call(commands.testSignInClient()),

  // Library
  listImages: async (query: ImageQuery): Promise<ImagePage> => call(commands.listImages(query)),
  getImage: async (id: string): Promise<ImageRecord> => call(commands.getImage(id)),
  listJobs: async (query: JobQuery): Promise<JobPage> => call(commands.listJobs(query)),
  getJob: async (id: string): Promise<JobRecord> => call(commands.getJob(id)),
  /** The job a job came from and the jobs made from it (run again, remixes). */
  jobFamily: async (id: string): Promise<JobFamily> => call(commands.jobFamily(id)),
  libraryStats: async (query: StatsQuery = {}): Promise<LibraryStats> => call(commands.libraryStats(query)),
  setFavourite: async (id: string, favourite: boolean): Promise<ImageRecord> =>
    call(commands.setFavourite(id, favourite)),
  setRating: async (id: string, rating: number): Promise<ImageRecord> => call(commands.setRating(id, rating)),
  trashImages: async (ids: string[]): Promise<number> => call(commands.trashImages(ids)),
  restoreImages: async (ids: string[]): Promise<number> => call(commands.restoreImages(ids)),
  emptyTrash: async (): Promise<number> => call(commands.emptyTrash()),
  /** Asks where to save (native dialog) and writes a zip; the image count, or null when cancelled. Trashed images only with `includeTrashed`. */
  exportImages: async (ids: string[], includeTrashed = false): Promise<number | null> =>
    call(commands.exportImages(ids, includeTrashed)),
  /**
   * Asks where to save (native dialog) and writes the jobs that may have been charged without a result as
   * CSV (task ids, times, amounts), for a refund request; how many it wrote, or null when cancelled.
   */
  savePossiblyCharged: async (): Promise<number | null> => call(commands.savePossiblyCharged()),
  checkLibrary: async (repair: boolean): Promise<IntegrityReport> => call(commands.checkLibrary(repair)),
  /** Asks where to save (native dialog, suggesting a name from the prompt) and copies the original there; false when cancelled. */
  saveImageAs: async (id: string): Promise<boolean> => call(commands.saveImageAs(id)),
  /** Starts a native drag of a copy of the image (with its settings) out of the window; call while the button is down. */
  dragImageOut: async (id: string): Promise<void> => { await call(commands.dragImageOut(id)) },
  /** Opens the image's original in the system's default viewer. */
  openImage: async (id: string): Promise<void> => { await call(commands.openImage(id)) },
  /** Shows the image's original in the file manager. */
  revealImage: async (id: string): Promise<void> => { await call(commands.revealInFolder(id)) },
  /** Shows the library folder in the file manager. */
  revealLibrary: async (): Promise<void> => { await call(commands.revealInFolder(null)) },
  /** Puts the image's pixels on the system clipboard. */
  copyImage: async (id: string): Promise<void> => { await call(commands.copyImage(id)) },
  /** Generation settings embedded in an image file (ours, A1111, ComfyUI, InvokeAI), or null. */
  readImageMetadata: async (bytes: Uint8Array): Promise<RecalledSettings | null> =>
    callWithBytes('read_image_metadata', ownBytes(pngHeadBeforeImageData(bytes))),

  // Generation
  generate: async (request: GenerationRequest, options: GenerateOptions = {}): Promise<JobRecord[]> =>
    call(commands.generate(request, options)),
  cancelJob: async (id: string): Promise<JobRecord> => call(commands.cancelJob(id)),
  /**
   * Recovers a paid job in place: the core polls its task again and downloads the result; it never
   * resubmits (and refuses a job without a task id).
   */
  retryJob: async (id: string): Promise<JobRecord> => call(commands.retryJob(id)),
  /** Runs a job's request again as new, paid jobs linked to it (ask the person first). */
  rerunJob: async (id: string, options: GenerateOptions = {}): Promise<JobRecord[]> =>
    call(commands.rerunJob(id, options)),
  /** This month's spend against the profile's budget, confirmed and possibly charged. */
  budgetStatus: async (): Promise<BudgetStatus> => call(commands.budgetStatus()),
  /**
   * Every model and provider with what it offers and can do, and the open profile's prices in effect: the
   * one source of these rules. Read again after the preferences change and after a profile switch.
   */
  catalog: async (): Promise<Catalog> => {
    try {
      return await commands.catalog()
    } catch (e) {
      throw toApiError(e)
    }
  },
  /** Who would run `request` and what it would cost at the prices in effect (nothing is recorded). */
  quote: async (request: GenerationRequest, options: GenerateOptions = {}): Promise<Quote> =>
    call(commands.quote(request, options)),
  credits: async (): Promise<CreditsInfo> => call(commands.credits()),
  /** The providers that can run now (a key is set, or the demo), in the core's order of preference. */
  availableProviders: async (): Promise<ProviderKind[]> => call(commands.availableProviders()),
  /** The native picker for input images; the picked files are kept as the library's input images (none when cancelled). */
  pickInputImages: async (): Promise<ImageRecord[]> => call(commands.pickInputImages()),
  /** Keeps the bytes of a dropped image file as an input image (the page never names a path). */
  addInputImage: async (bytes: Uint8Array): Promise<ImageRecord> => callWithBytes('add_input_image', ownBytes(bytes)),
  /** The core fetches the URL (https, or http on this computer) and keeps the image as an input. */
  /** Keeps the system clipboard's image as an input (the shell reads it); null when it holds none. */
  pasteInputImage: async (): Promise<ImageRecord | null> => call(commands.pasteInputImage()),
  addInputImageUrl: async (url: string): Promise<ImageRecord> => call(commands.addInputImageUrl(url)),

  // Batches, templates and the prompt library (./batches.ts)
  ...batchesApi,
  // Editing, lineage and references (./editing.ts)
  ...editingApi,

  // Sync through the person's own bucket
  syncSetup: async (): Promise<SyncSetup> => call(commands.syncSetup()),
  /** Saves the location and choices; `secretAccessKey` goes to the keychain, and only when one was typed (null keeps the stored one). */
  updateSyncSetup: async (setup: SyncSetup, secretAccessKey: string | null): Promise<SyncStatus> =>
    call(commands.updateSyncSetup(setup, secretAccessKey)),
  syncStatus: async (): Promise<SyncStatus> => call(commands.syncStatus()),
  /** Runs a sync now; its progress arrives through `onCoreChanged` (kind `sync`). */
  syncNow: async (): Promise<SyncReport> => call(commands.syncNow()),
  /**
   * Applies the deletions forever of another device that a sync held back (`pendingDeletions`): how many
   * were deleted, and how many went to the Trash instead because their original existed only here.
   */
  applyPendingDeletions: async (): Promise<PendingApplied> => call(commands.applyPendingDeletions()),
  /** Checks keys, bucket, endpoint and write access before saving (null secret: the stored one). */
  testSyncConnection: async (setup: SyncSetup, secretAccessKey: string | null): Promise<void> => {
    await call(commands.testSyncConnection(setup, secretAccessKey))
  },
  /**
   * The core's one stream: a job's progress, committed library changes (coalesced), a sync's progress, a
   * profile switch, and the app quitting while paid requests are in flight. Resolves to the function that stops listening (call it on unmount). The page keeps one
   * subscription (stores/coreEvents.ts) and hands each event to the stores that follow it.
   */
  onCoreChanged: (handler: (event: CoreEvent) => void): Promise<() => void> =>
    listen(events.coreChanged.listen((e) => handler(e.payload))),

  ...platform,
}

export type Api = typeof api
export type { ImageFileKind } from './platform'
