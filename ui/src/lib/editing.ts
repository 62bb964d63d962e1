// Editor facts that need no window: which references an instruction names with `@name`, the lineage tree
// as rows to draw (depth, branch lines, the current image's node), where a request stands against the
// inline limit, and which upscale sizes the catalog offers for an image. Nothing here prices anything: the
// core's `edit_quote` does.
import type { Catalog, ImageSize, LineageNode, Model, PayloadMeter, ProviderKind } from '@/api'
import { findModel, isDemoProvider, priceInEffect } from '@/lib/catalog'

/**
 * The known reference names an instruction mentions as `@name` (any case, the name's own spelling back), in
 * the order they appear. A longer name wins over one it starts with (`@Mira Jones` over `@Mira`).
 */
export function mentionedReferences(text: string, names: string[]): string[] {
  const lower = text.toLowerCase()
  const longestFirst = [...names].sort((a, b) => b.length - a.length)
  const found: { at: number; name: string }[] = []
  const taken = new Set<number>()
  for (const name of longestFirst) {
    const needle = `@${name.toLowerCase()}`
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const next = lower[at + needle.length]
      if (next !== undefined && /[\p{L}\p{N}_-]/u.test(next)) continue
      if (taken.has(at)) continue
      taken.add(at)
      if (!found.some((f) => f.name === name)) found.push({ at, name })
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name)
}

/** One row of the lineage tree as drawn: the node, how deep it is, and whether the current image is in it. */
export interface LineageRow {
  node: LineageNode
  depth: number
  /** The node holds the image open in the editor. */
  current: boolean
  /** The node is on the way from the root to the current image. */
  onPath: boolean
  /** Siblings after it at its depth (a branch line continues below it). */
  hasNextSibling: boolean
}

/** The tree depth-first, parents before children, oldest branch first (the core sorts children by time). */
export function lineageRows(root: LineageNode, currentImageId: string | null): LineageRow[] {
  const path = new Set<LineageNode>()
  const findPath = (node: LineageNode): boolean => {
    if (currentImageId && node.imageIds.includes(currentImageId)) {
      path.add(node)
      return true
    }
    for (const child of node.children) {
      if (findPath(child)) {
        path.add(node)
        return true
      }
    }
    return false
  }
  findPath(root)
  const rows: LineageRow[] = []
  const walk = (node: LineageNode, depth: number, hasNextSibling: boolean) => {
    rows.push({ node, depth, current: !!currentImageId && node.imageIds.includes(currentImageId), onPath: path.has(node), hasNextSibling })
    node.children.forEach((child, i) => walk(child, depth + 1, i < node.children.length - 1))
  }
  walk(root, 0, false)
  return rows
}

/** How many images a tree holds and its deepest level (for the panel's summary). */
export function lineageShape(root: LineageNode): { nodes: number; depth: number } {
  let nodes = 0
  let depth = 0
  const walk = (n: LineageNode, d: number) => {
    nodes++
    depth = Math.max(depth, d)
    n.children.forEach((c) => walk(c, d + 1))
  }
  walk(root, 0)
  return { nodes, depth }
}

/** The request's share of the inline limit, 0–1 (and past 1 when over it); 0 when the core gave no limit. */
export function payloadShare(meter: PayloadMeter | null | undefined): number {
  if (!meter?.limitBytes || meter.bytes == null) return 0
  return Math.max(0, meter.bytes / meter.limitBytes)
}

/** The first line of a prompt, cut at `max` characters with an ellipsis. */
export function snippet(text: string | null | undefined, max = 80): string {
  const line = (text ?? '').trim().split('\n')[0]
  const chars = [...line]
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : line
}

export interface UpscaleChoice {
  size: ImageSize
  /** The model that would re-render it (the image's own when it offers the size). */
  model: Model
  usd: number | null
}

const UPSCALE_SIZES: ImageSize[] = ['2K', '4K']

/**
 * The upscales a person can ask for: 2K and 4K, each on the image's own model when it offers that size and
 * can run here, else on the first model of the catalog that does (never the demo).
 */
export function upscaleChoices(catalog: Catalog, own: Model | null | undefined, available: ProviderKind[]): UpscaleChoice[] {
  const runs = (provider: ProviderKind) => available.includes(provider) && !isDemoProvider(catalog, provider)
  const ownInfo = findModel(catalog, own)
  const candidates = [...(ownInfo ? [ownInfo] : []), ...catalog.models]
  return UPSCALE_SIZES.flatMap((size) => {
    const info = candidates.find((m) => runs(m.provider) && m.sizes.some((s) => s.size === size))
    return info ? [{ size, model: info.model, usd: priceInEffect(catalog, info.model, size)?.usd ?? null }] : []
  })
}

/** A request size as the API's limit is written (decimal megabytes: "100 MB", "3.6 MB"). */
export function formatPayload(bytes: number | null | undefined): string {
  const mb = (bytes ?? 0) / 1e6
  if (mb < 0.1) return `${Math.max(1, Math.round((bytes ?? 0) / 1e3))} KB`
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`
}
