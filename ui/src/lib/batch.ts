// Records named by a library change, read from the core a few at a time: a change lists up to 200 ids, and
// 200 requests at once would only queue behind each other in the core.

/** How many reads are in flight at once. */
const AT_ONCE = 8

/**
 * `get` for every id, in the ids' order; one that fails (removed meanwhile: not found) is left out, since
 * the change that removed it follows.
 */
export async function fetchEach<T>(ids: readonly string[], get: (id: string) => Promise<T>): Promise<T[]> {
  const found: (T | undefined)[] = new Array(ids.length)
  let next = 0
  async function worker() {
    while (next < ids.length) {
      const at = next++
      try {
        found[at] = await get(ids[at])
      } catch {
        found[at] = undefined
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, ids.length) }, worker))
  return found.filter((x): x is T => x !== undefined)
}
