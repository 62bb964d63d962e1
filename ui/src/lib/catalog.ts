// Looking things up in the core's catalog (`api.catalog()`, loaded by stores/catalog.ts): which models a
// provider serves and a person can pick, which sizes and ratios a model offers, what a provider can do (its
// key, how it takes input images), and the price in effect for a model and size (the core applied the
// person's own prices). The rules and the figures live in the catalog; nothing here decides or computes one.
import type {
  AspectRatio, Catalog, ImageSize, Model, ModelInfo, PriceInEffect, PriceOverride, ProviderInfo, ProviderKind,
  SecretPurpose,
} from '@/api'

/** What each part of the catalog is before it has answered. */
export const EMPTY_CATALOG: Catalog = { models: [], providers: [], prices: [] }

export function providerInfo(catalog: Catalog, kind: ProviderKind | null | undefined): ProviderInfo | undefined {
  return catalog.providers.find((p) => p.kind === kind)
}

/** The offline demo provider: the one that runs on no key (procedural pictures, free, labelled "not AI"). */
export function isDemoProvider(catalog: Catalog, kind: ProviderKind | null | undefined): boolean {
  const info = providerInfo(catalog, kind)
  return info != null && info.key == null
}

/** The keys providers run on, in the catalog's order (Settings shows one card each). */
export function providerKeys(catalog: Catalog): SecretPurpose[] {
  return catalog.providers.flatMap((p) => (p.key ? [p.key] : []))
}

/** The key of the provider whose account has a balance the app can read (the Dashboard's card). */
export function balanceKey(catalog: Catalog): SecretPurpose | null {
  return catalog.providers.find((p) => p.balance)?.key ?? null
}

export function findModel(catalog: Catalog, model: Model | string | null | undefined): ModelInfo | undefined {
  return catalog.models.find((m) => m.model === model)
}

/** The demo provider's model: never picked by a person (it is used when no key is set). */
export function isDemoModel(catalog: Catalog, info: ModelInfo): boolean {
  return isDemoProvider(catalog, info.provider)
}

/** Models a person can pick, in the catalog's order. */
export function selectableModels(catalog: Catalog): ModelInfo[] {
  return catalog.models.filter((m) => !isDemoModel(catalog, m))
}

/** The models one provider serves, in the catalog's order (the demo serves only its own). */
export function modelsOf(catalog: Catalog, provider: ProviderKind | null | undefined): ModelInfo[] {
  return catalog.models.filter((m) => m.provider === provider)
}

/** The model to show for `provider`: `model` when that provider serves it, else its first in the catalog. */
export function modelFor(catalog: Catalog, provider: ProviderKind | null, model: Model | string | null | undefined): Model | null {
  const models = modelsOf(catalog, provider)
  return (models.find((m) => m.model === model) ?? models[0])?.model ?? null
}

/** The size to keep when the model changes: the same one if the model offers it, else its default. */
export function keepSize(info: ModelInfo, size: ImageSize | null | undefined): ImageSize {
  return size && info.sizes.some((s) => s.size === size) ? size : info.defaultSize
}

/** The ratio to keep when the model changes: the same one if offered, else square, else its first. */
export function keepRatio(info: ModelInfo, ratio: AspectRatio | string | null | undefined): AspectRatio {
  const offered = info.aspectRatios
  const same = offered.find((r) => r === ratio)
  if (same) return same
  return offered.find((r) => r === '1:1') ?? offered[0]
}

/**
 * Every size any model offers, smallest first (the Gallery's size filter, the analytics colours). Each model
 * lists its sizes smallest first; a size one model adds goes right after the one it follows there.
 */
export function allSizes(catalog: Catalog): ImageSize[] {
  const order: ImageSize[] = []
  for (const m of catalog.models) {
    let after = -1
    for (const { size } of m.sizes) {
      const at = order.indexOf(size)
      if (at >= 0) {
        after = at
        continue
      }
      order.splice(after + 1, 0, size)
      after += 1
    }
  }
  return order
}

/** What one image of `model` at `size` costs for the open profile, as the core worked it out. */
export function priceInEffect(catalog: Catalog, model: Model | null | undefined, size: ImageSize | null | undefined): PriceInEffect | undefined {
  return catalog.prices.find((p) => p.model === model && p.size === size)
}

/** The override list with one price set (or removed, with `usd` null), leaving the others as they were. */
export function withOverride(overrides: PriceOverride[], model: Model, size: ImageSize, usd: number | null): PriceOverride[] {
  const rest = overrides.filter((o) => !(o.model === model && o.size === size))
  return usd == null ? rest : [...rest, { model, size, usd }]
}
