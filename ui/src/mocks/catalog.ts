// A static copy of the core's model catalog (core/src/catalog/models.rs), for the in-page mock core and
// the unit tests only. The real UI reads the `catalog` command; nothing outside src/mocks and tests
// imports this file.
import type { AspectRatio, ImageSize, ModelInfo, SizeOption } from '@/api'

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

export const MOCK_CATALOG: ModelInfo[] = [
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
