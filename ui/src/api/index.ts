// The UI's only door to Rust: thin wrappers over the generated bindings that turn the
// `{ status, data | error }` results into values or thrown `ApiError`s with a typed kind.
import { commands, type AppError, type AppInfo, type ErrorKind } from '@/bindings'

export type { AppInfo, ErrorKind }

export class ApiError extends Error {
  readonly kind: ErrorKind
  constructor(error: AppError) {
    super(error.message)
    this.name = 'ApiError'
    this.kind = error.kind
  }
}

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: AppError }

function unwrap<T>(result: Result<T>): T {
  if (result.status === 'error') throw new ApiError(result.error)
  return result.data
}

export const api = {
  appInfo: async (): Promise<AppInfo> => unwrap(await commands.appInfo()),
}

export type Api = typeof api
