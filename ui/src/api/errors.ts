// Every failure the page sees is an `ApiError` with a typed `kind`, whatever rejected: the core (`{ kind,
// message }`), or Tauri and its plugins, which reject with plain strings (bad arguments, a command or
// plugin call the window's capabilities do not allow, a listener it refused).
import type { AppError, ErrorKind } from '@/bindings'

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

function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null
    && typeof (e as AppError).kind === 'string' && typeof (e as AppError).message === 'string'
}

/**
 * Any rejection as an `ApiError`. The core rejects with `{ kind, message }`, but Tauri itself rejects with
 * a plain string (bad arguments, a command the capability does not allow, a listener it refused): those
 * become `internal` with the string as the message, so every caller can rely on `kind`.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  if (isAppError(e)) return new ApiError(e)
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : JSON.stringify(e) ?? String(e)
  return new ApiError({ kind: 'internal', message })
}

