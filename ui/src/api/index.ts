// The UI's only door to Rust: thin wrappers over the generated bindings that turn the
// `{ status, data | error }` results into values or thrown `ApiError`s with a typed kind.
// Stores and views import from here only; unit tests replace this module.
import {
  commands,
  events,
  type ApiKeyStatus_Serialize,
  type AppError,
  type AppInfo,
  type AspectRatio,
  type CreditsInfo_Serialize,
  type Cursor,
  type DayStats,
  type ErrorKind,
  type GenerateOptions_Deserialize,
  type GenerationRequest_Deserialize,
  type ImagePage_Serialize,
  type ImageQuery_Deserialize,
  type ImageRecord_Serialize,
  type IntegrityReport,
  type KeySource,
  type JobEvent_Serialize,
  type JobPage_Serialize,
  type JobQuery_Deserialize,
  type JobRecord_Serialize,
  type JobStage_Serialize,
  type JobStatus,
  type LibraryStats_Serialize,
  type MetadataSource,
  type Model,
  type PriceTable,
  type ProviderKind,
  type RecalledSettings_Serialize,
  type Settings,
  type SizePreset,
  type SizeStats,
  type StatsQuery_Deserialize,
  type StatsTotals_Serialize,
} from '@/bindings'
import { platform } from './platform'
import { pngHeadBeforeImageData } from '@/lib/png'

// What the core sends (`_Serialize`) and accepts (`_Deserialize`, optional fields optional), under plain names.
export type ApiKeyStatus = ApiKeyStatus_Serialize
export type CreditsInfo = CreditsInfo_Serialize
export type ImagePage = ImagePage_Serialize
export type JobPage = JobPage_Serialize
export type RecalledSettings = RecalledSettings_Serialize
export type GenerateOptions = GenerateOptions_Deserialize
export type GenerationRequest = GenerationRequest_Deserialize
export type ImageQuery = ImageQuery_Deserialize
export type ImageRecord = ImageRecord_Serialize
export type JobEvent = JobEvent_Serialize
export type JobQuery = JobQuery_Deserialize
export type JobRecord = JobRecord_Serialize
export type JobStage = JobStage_Serialize
export type LibraryStats = LibraryStats_Serialize
export type StatsQuery = StatsQuery_Deserialize
export type StatsTotals = StatsTotals_Serialize
export type {
  AppInfo, AspectRatio, Cursor, DayStats, ErrorKind, IntegrityReport, JobStatus,
  KeySource, MetadataSource, Model, PriceTable, ProviderKind, Settings, SizePreset, SizeStats,
}

export class ApiError extends Error {
  readonly kind: ErrorKind
  constructor(error: AppError) {
    super(error.message)
    this.name = 'ApiError'
    this.kind = error.kind
  }
}

/** The typed kind of any thrown value (`internal` for what did not come from the core). */
export function errorKind(e: unknown): ErrorKind {
  return e instanceof ApiError ? e.kind : 'internal'
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: AppError }

function unwrap<T>(result: Result<T>): T {
  if (result.status === 'error') throw new ApiError(result.error)
  return result.data
}

export const api = {
  // App and settings
  appInfo: async (): Promise<AppInfo> => unwrap(await commands.appInfo()),
  getSettings: async (): Promise<Settings> => unwrap(await commands.getSettings()),
  updateSettings: async (settings: Settings): Promise<Settings> => unwrap(await commands.updateSettings(settings)),
  apiKeyStatus: async (): Promise<ApiKeyStatus> => unwrap(await commands.apiKeyStatus()),
  /** Stores the key in the OS keychain (never in the library) and switches to Nano Banana. */
  setApiKey: async (key: string): Promise<ApiKeyStatus> => unwrap(await commands.setApiKey(key)),
  clearApiKey: async (): Promise<ApiKeyStatus> => unwrap(await commands.clearApiKey()),

  // Library
  listImages: async (query: ImageQuery): Promise<ImagePage> => unwrap(await commands.listImages(query)),
  getImage: async (id: string): Promise<ImageRecord> => unwrap(await commands.getImage(id)),
  listJobs: async (query: JobQuery): Promise<JobPage> => unwrap(await commands.listJobs(query)),
  getJob: async (id: string): Promise<JobRecord> => unwrap(await commands.getJob(id)),
  libraryStats: async (query: StatsQuery = {}): Promise<LibraryStats> => unwrap(await commands.libraryStats(query)),
  setFavourite: async (id: string, favourite: boolean): Promise<ImageRecord> =>
    unwrap(await commands.setFavourite(id, favourite)),
  setRating: async (id: string, rating: number): Promise<ImageRecord> => unwrap(await commands.setRating(id, rating)),
  trashImages: async (ids: string[]): Promise<number> => unwrap(await commands.trashImages(ids)),
  restoreImages: async (ids: string[]): Promise<number> => unwrap(await commands.restoreImages(ids)),
  emptyTrash: async (): Promise<number> => unwrap(await commands.emptyTrash()),
  exportImages: async (ids: string[], outPath: string): Promise<number> =>
    unwrap(await commands.exportImages(ids, outPath)),
  checkLibrary: async (repair: boolean): Promise<IntegrityReport> => unwrap(await commands.checkLibrary(repair)),
  /** Copies an image's original file to `dest` (a path the user picked). */
  saveImageAs: async (id: string, dest: string): Promise<void> => { unwrap(await commands.saveImageAs(id, dest)) },
  /** Opens the image's original in the system's default viewer. */
  openImage: async (id: string): Promise<void> => { unwrap(await commands.openImage(id)) },
  /** Shows the image's original in the file manager. */
  revealImage: async (id: string): Promise<void> => { unwrap(await commands.revealInFolder(id)) },
  /** Shows the library folder in the file manager. */
  revealLibrary: async (): Promise<void> => { unwrap(await commands.revealInFolder(null)) },
  /** Puts the image's pixels on the system clipboard. */
  copyImage: async (id: string): Promise<void> => { unwrap(await commands.copyImage(id)) },
  /** Generation settings embedded in an image file (ours, A1111, ComfyUI, InvokeAI), or null. */
  readImageMetadata: async (bytes: Uint8Array): Promise<RecalledSettings | null> =>
    unwrap(await commands.readImageMetadata(Array.from(pngHeadBeforeImageData(bytes)))),

  // Generation
  generate: async (request: GenerationRequest, options: GenerateOptions = {}): Promise<JobRecord[]> =>
    unwrap(await commands.generate(request, options)),
  cancelJob: async (id: string): Promise<JobRecord> => unwrap(await commands.cancelJob(id)),
  retryJob: async (id: string): Promise<JobRecord> => unwrap(await commands.retryJob(id)),
  credits: async (): Promise<CreditsInfo> => unwrap(await commands.credits()),
  /** Progress of every job; resolves to the function that stops listening (call it on unmount). */
  onJobProgress: (handler: (event: JobEvent) => void): Promise<() => void> =>
    events.jobProgress.listen((e) => handler(e.payload)),

  ...platform,
}

export type Api = typeof api
