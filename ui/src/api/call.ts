// Turning a generated command's `{ status, data | error }` result into its value or a thrown `ApiError`:
// shared by ./index.ts and the area modules it merges (./organise.ts).
import type { AppError } from '@/bindings'
import { toApiError } from './errors'

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: AppError }

function unwrap<T>(result: Result<T>): T {
  if (result.status === 'error') throw toApiError(result.error)
  return result.data
}

/** Awaits a generated command and returns its value; every failure is thrown as an `ApiError`. */
export async function call<T>(command: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await command
  } catch (e) {
    // The bindings rethrow `Error`s (a broken IPC bridge) instead of returning them.
    throw toApiError(e)
  }
  return unwrap(result)
}
