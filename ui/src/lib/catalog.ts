// Reading the core's model catalog (`api.catalog()`, loaded once by stores/catalog.ts): which sizes and
// ratios a model offers, what a size costs with the profile's own prices, and how a stored job's size
// (its long side in pixels) reads. The rules live in the catalog; these only look things up in it.
import type { AspectRatio, ImageSize, Model, ModelInfo, PriceOverride, ProviderKind, SecretPurpose } from '@/api'

/** The keys providers run on (the sync secret is another matter). */
export type ProviderKeyPurpose = Extract<SecretPurpose, 'nanoBananaKey' | 'geminiKey'>

/**
 * What each provider is, by the core's `ProviderKind` (a `Record`, so a provider added there fails the type
 * check here): whether it is the offline demo, the i18n key of its name, and the key it runs on (Settings
 * shows one key card per provider that has one).
 */
export const PROVIDERS: Record<ProviderKind, { demo: boolean; labelKey: string; keyPurpose: ProviderKeyPurpose | null }> = {
  nanobanana: { demo: false, labelKey: 'common.providers.nanobanana', keyPurpose: 'nanoBananaKey' },
  gemini: { demo: false, labelKey: 'common.providers.gemini', keyPurpose: 'geminiKey' },
  demo: { demo: true, labelKey: 'common.providers.demo', keyPurpose: null },
}

/** The offline demo provider: procedural pictures, free, labelled "not AI". */
export function isDemoProvider(kind: ProviderKind | null | undefined): boolean {
  return kind != null && PROVIDERS[kind].demo
}

/** The offline demo provider's model: never picked by a person (it is used when no key is set). */
export function isDemoModel(info: ModelInfo): boolean {
  return isDemoProvider(info.provider)
}

/** Models a person can pick, in the catalog's order. */
export function selectableModels(catalog: ModelInfo[]): ModelInfo[] {
  return catalog.filter((m) => !isDemoModel(m))
}

/** The models one provider serves, in the catalog's order (the demo serves only its own). */
export function modelsOf(catalog: ModelInfo[], provider: ProviderKind | null | undefined): ModelInfo[] {
  return catalog.filter((m) => m.provider === provider)
}

/**
 * The provider a form starts with for `model`: the one serving it when it can run now, else the first the
 * core lists (its order of preference).
 */
export function providerFor(catalog: ModelInfo[], available: ProviderKind[], model: Model | string | null | undefined): ProviderKind | null {
  const own = findModel(catalog, model)?.provider
  return own && available.includes(own) ? own : available[0] ?? null
}

/** The model to show for `provider`: `model` when that provider serves it, else its first in the catalog. */
export function modelFor(catalog: ModelInfo[], provider: ProviderKind | null, model: Model | string | null | undefined): Model | null {
  const models = modelsOf(catalog, provider)
  return (models.find((m) => m.model === model) ?? models[0])?.model ?? null
}

export function findModel(catalog: ModelInfo[], model: Model | string | null | undefined): ModelInfo | undefined {
  return catalog.find((m) => m.model === model)
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
 * The long side in pixels a size names ("512", "1K" = 1024, "2K" = 2048): stored jobs and images keep
 * pixels, requests and the catalog keep the size's name.
 */
export function pixelsOf(size: ImageSize): number {
  const k = /^(\d+)K$/i.exec(size)
  return k ? Number(k[1]) * 1024 : Number(size)
}

/** Every size any model offers, smallest first (the Gallery's size filter, analytics labels). */
export function allSizes(catalog: ModelInfo[]): ImageSize[] {
  const seen = new Set<ImageSize>()
  for (const m of catalog) for (const s of m.sizes) seen.add(s.size)
  return [...seen].sort((a, b) => pixelsOf(a) - pixelsOf(b))
}

/** The size a stored long side is exactly, or null (older libraries also hold 768 and 1536 px). */
export function sizeOfPixels(catalog: ModelInfo[], pixels: number): ImageSize | null {
  return allSizes(catalog).find((s) => pixelsOf(s) === pixels) ?? null
}

/** "1K", or "768 px" for a size no model offers any more. */
export function sizeLabel(catalog: ModelInfo[], pixels: number): string {
  return sizeOfPixels(catalog, pixels) ?? `${pixels} px`
}

/** USD per image: the person's own price for this model and size if set (the last one wins), else the catalog's. */
export function pricePerImage(info: ModelInfo, size: ImageSize, overrides: PriceOverride[] = []): number {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]
    if (o.model === info.model && o.size === size && o.usd != null) return o.usd
  }
  return info.sizes.find((s) => s.size === size)?.priceUsd ?? 0
}

/** Whether a shown price is an estimate: the catalog's default is one, and the person has not set their own. */
export function priceIsEstimate(info: ModelInfo, size: ImageSize, overrides: PriceOverride[] = []): boolean {
  const own = overrides.some((o) => o.model === info.model && o.size === size && o.usd != null)
  return info.priceIsEstimate && !own
}

/** Rounded to a hundredth of a cent, like the core's estimates, so sums stay readable. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000
}

/** What `count` images of this model and size are expected to cost. */
export function estimateUsd(info: ModelInfo, size: ImageSize, count: number, overrides: PriceOverride[] = []): number {
  return roundUsd(pricePerImage(info, size, overrides) * Math.max(count, 0))
}

/** The override list with one price set (or removed, with `usd` null), leaving the others as they were. */
export function withOverride(overrides: PriceOverride[], model: Model, size: ImageSize, usd: number | null): PriceOverride[] {
  const rest = overrides.filter((o) => !(o.model === model && o.size === size))
  return usd == null ? rest : [...rest, { model, size, usd }]
}
