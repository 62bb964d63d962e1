// A static copy of the core's catalog (core/src/catalog/: models, providers, prices and how overrides
// apply) and of its quote, for the in-page mock core and the unit tests only. The real UI reads the
// `catalog` and `quote` commands; nothing outside src/mocks and tests imports this file.
import type {
  AspectRatio, Catalog, ExpectedTime, GenerateOptions, GenerationRequest, ImageSize, JobRecord, Model, ModelInfo,
  PriceInEffect, PriceOverride, ProviderInfo, ProviderKind, Quote, SizeOption,
} from '@/api'

const BASIC: AspectRatio[] = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9']
const BASIC_AUTO: AspectRatio[] = [...BASIC, 'auto']
const EVERY_BUT_AUTO: AspectRatio[] = [...BASIC, '1:4', '1:8', '4:1', '8:1']
const EVERY: AspectRatio[] = [...EVERY_BUT_AUTO, 'auto']

const size = (s: ImageSize, priceUsd: number, timeoutSecs: number): SizeOption => ({ size: s, priceUsd, tokens: null, timeoutSecs })
/** A size priced by its output tokens, like the core's `tokens()`. */
const tokens = (s: ImageSize, n: number, usdPerMillion: number, timeoutSecs: number): SizeOption =>
  ({ size: s, priceUsd: (n * usdPerMillion) / 1e6, tokens: n, timeoutSecs })
const GOOGLE_PRICES = "Google's published price per image-output token (text and thinking at the text rate); each job's cost comes from its real usage"

function gemini(model: ModelInfo['model'], label: string, description: string, sizes: SizeOption[], aspectRatios: AspectRatio[],
  maxInputImages: number, rates: [number, number, number]): ModelInfo {
  return {
    model, provider: 'gemini', label, description, sizes, defaultSize: '1K', aspectRatios, maxInputImages,
    maxPromptChars: 20_000, imagesPerTask: 1, watermark: false,
    priceBasis: { kind: 'perOutputToken', imageUsdPerMillion: rates[0], textUsdPerMillion: rates[1], inputUsdPerMillion: rates[2] },
    priceIsEstimate: false, priceSource: GOOGLE_PRICES,
  }
}

export const MOCK_MODELS: ModelInfo[] = [
  {
    model: 'nano-banana-2', provider: 'nanobanana', label: 'Nano Banana 2',
    description: 'Gemini 3.1 Flash Image: 1K to 4K, every aspect ratio, prompts up to 20,000 characters.',
    sizes: [size('1K', 0.067, 180), size('2K', 0.101, 240), size('4K', 0.151, 360)], defaultSize: '1K',
    aspectRatios: EVERY, maxInputImages: 14, maxPromptChars: 20_000, imagesPerTask: 1, watermark: false,
    priceBasis: { kind: 'perImage' }, priceIsEstimate: true,
    priceSource: "estimate: Google's own price for the same model (the reseller publishes none)",
  },
  {
    model: 'nano-banana-pro', provider: 'nanobanana', label: 'Nano Banana Pro',
    description: 'Gemini 3 Pro Image: the highest quality, 1K to 4K; slower.',
    sizes: [size('1K', 0.12, 300), size('2K', 0.12, 300), size('4K', 0.24, 480)], defaultSize: '1K',
    aspectRatios: BASIC_AUTO, maxInputImages: 8, maxPromptChars: 10_000, imagesPerTask: 1, watermark: false,
    priceBasis: { kind: 'perImage' }, priceIsEstimate: true,
    priceSource: "estimate: about $0.12 per image quoted by a public client of nanobananaapi.ai; 4K at Google's ratio",
  },
  {
    model: 'nano-banana', provider: 'nanobanana', label: 'Nano Banana',
    description: 'The original model: fast, aspect ratio only, up to 4 images per task.',
    sizes: [size('1K', 0.02, 180)], defaultSize: '1K',
    aspectRatios: BASIC, maxInputImages: 10, maxPromptChars: 5_000, imagesPerTask: 4, watermark: true,
    priceBasis: { kind: 'perImage' }, priceIsEstimate: true,
    priceSource: 'estimate: about $0.02 per image quoted by a public client of nanobananaapi.ai',
  },
  gemini('gemini-3.1-flash-image', 'Nano Banana 2 (Gemini)',
    'Gemini 3.1 Flash Image on your own Google key: 512 px to 4K, 14 aspect ratios.',
    [tokens('512', 747, 60, 180), tokens('1K', 1120, 60, 180), tokens('2K', 1680, 60, 240), tokens('4K', 2520, 60, 360)],
    EVERY_BUT_AUTO, 14, [60, 3, 0.25]),
  gemini('gemini-3-pro-image', 'Nano Banana Pro (Gemini)',
    'Gemini 3 Pro Image on your own Google key: the highest quality; it thinks first, so it is slower.',
    [tokens('1K', 1120, 120, 420), tokens('2K', 1120, 120, 480), tokens('4K', 2000, 120, 600)], BASIC, 14, [120, 12, 2]),
  gemini('gemini-2.5-flash-image', 'Nano Banana (Gemini)',
    'Gemini 2.5 Flash Image on your own Google key: 1K, up to 3 input images.',
    [tokens('1K', 1290, 30, 180)], BASIC, 3, [30, 2.5, 0.3]),
  gemini('gemini-3.1-flash-lite-image', 'Nano Banana 2 Lite (Gemini)',
    'Gemini 3.1 Flash-Lite Image on your own Google key: 1K only, the cheapest.',
    [tokens('1K', 1120, 30, 180)], EVERY_BUT_AUTO, 14, [30, 1.5, 0.1]),
  {
    model: 'demo', provider: 'demo', label: 'Demo — not AI',
    description: 'Offline procedural pictures, clearly labelled, free.',
    sizes: [size('512', 0, 60), size('1K', 0, 60), size('2K', 0, 60)], defaultSize: '1K',
    aspectRatios: EVERY, maxInputImages: 0, maxPromptChars: 20_000, imagesPerTask: 4, watermark: true,
    priceBasis: { kind: 'free' }, priceIsEstimate: false, priceSource: 'free',
  },
]

/** What each provider can do, like the core's `ProviderKind::info`. */
export const MOCK_PROVIDERS: ProviderInfo[] = [
  { kind: 'nanobanana', label: 'Nano Banana (nanobananaapi.ai)', inputMode: 'urls', remoteTasks: true, balance: true, key: 'nanoBananaKey', conversations: false },
  { kind: 'gemini', label: 'Google Gemini API', inputMode: 'inline', remoteTasks: false, balance: false, key: 'geminiKey', conversations: true },
  { kind: 'demo', label: 'Demo — not AI', inputMode: 'local', remoteTasks: false, balance: false, key: null, conversations: false },
]

export const mockModel = (model: Model | null | undefined): ModelInfo => MOCK_MODELS.find((m) => m.model === model) ?? MOCK_MODELS[0]

/** The person's own price for a model and size (the last one set wins), like the core's `Prices::own`. */
function ownPrice(overrides: PriceOverride[], model: Model, size: ImageSize): number | null {
  return [...overrides].reverse().find((o) => o.model === model && o.size === size && o.usd != null)?.usd ?? null
}

/** USD per image with the profile's own prices, like the core's `Prices::per_image` (0 for what it does not know). */
export function mockPricePerImage(overrides: PriceOverride[], model: Model, size: ImageSize): number {
  return ownPrice(overrides, model, size) ?? mockModel(model).sizes.find((x) => x.size === size)?.priceUsd ?? 0
}

/** Rounded to a hundredth of a cent, as jobs record it (the core's `Prices::estimate`). */
export function mockEstimate(overrides: PriceOverride[], model: Model, size: ImageSize, count: number): number {
  return Math.round(mockPricePerImage(overrides, model, size) * Math.max(count, 0) * 10_000) / 10_000
}

/** The catalog as a profile with `overrides` sees it, like the core's `Session::catalog`. */
export function mockCatalog(overrides: PriceOverride[] = []): Catalog {
  const prices: PriceInEffect[] = MOCK_MODELS.flatMap((m) => m.sizes.map(({ size }) => {
    const own = ownPrice(overrides, m.model, size) != null
    return { model: m.model, size, usd: mockPricePerImage(overrides, m.model, size), own, estimate: m.priceIsEstimate && !own }
  }))
  return { models: MOCK_MODELS, providers: MOCK_PROVIDERS, prices }
}

/** The catalog of a profile with no prices of its own. */
export const MOCK_CATALOG: Catalog = mockCatalog()

/**
 * Who would run `request` and what it costs, like the core's `Session::quote`: the provider chosen, else the
 * model's own when it can run, else the first that can (the demo without keys); the demo draws any model.
 */
/**
 * The core's expected time (library/durations.rs) over the mock's jobs: median and p90 by nearest rank of the
 * latest 200 completed jobs of that model and size, none below five.
 */
export function mockExpectedTime(jobs: JobRecord[], model: Model, size: ImageSize): ExpectedTime | null {
  const ms = jobs.filter((j) => j.status === 'COMPLETED' && j.model === model && j.imageSize === size && j.durationMs != null)
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)).slice(0, 200).map((j) => j.durationMs as number).sort((a, b) => a - b)
  if (ms.length < 5) return null
  const rank = (q: number) => ms[Math.min(ms.length, Math.max(1, Math.ceil(q * ms.length))) - 1]
  return { medianMs: rank(0.5), p90Ms: rank(0.9), samples: ms.length }
}

export function mockQuote(available: ProviderKind[], overrides: PriceOverride[], request: GenerationRequest, options: GenerateOptions, defaultModel: Model, jobs: JobRecord[] = [], concurrency = 1): Quote {
  const model = mockModel(request.model ?? defaultModel)
  const provider = options.provider ?? (available.includes(model.provider) ? model.provider : available[0] ?? 'demo')
  const priced: Model = provider === 'demo' ? 'demo' : model.model
  const size = request.size ?? model.defaultSize
  const count = request.count ?? 1
  return {
    provider,
    perImageUsd: mockPricePerImage(overrides, priced, size),
    totalUsd: mockEstimate(overrides, priced, size, count),
    jobs: Math.ceil(count / Math.max(model.imagesPerTask, 1)),
    expected: (() => {
      const one = mockExpectedTime(jobs, priced, size)
      const waves = Math.ceil(Math.ceil(count / Math.max(model.imagesPerTask, 1)) / Math.max(concurrency, 1))
      return one && { ...one, medianMs: one.medianMs * waves, p90Ms: one.p90Ms * waves }
    })(),
  }
}
