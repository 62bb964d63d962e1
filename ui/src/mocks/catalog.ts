// A static copy of the core's model catalog (core/src/catalog/models.rs), for the in-page mock core and
// the unit tests only. The real UI reads the `catalog` command; nothing outside src/mocks and tests
// imports this file.
import type { AspectRatio, ImageSize, ModelInfo, SizeOption } from '@/api'

const BASIC: AspectRatio[] = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9']
const BASIC_AUTO: AspectRatio[] = [...BASIC, 'auto']
const EVERY: AspectRatio[] = [...BASIC, '1:4', '1:8', '4:1', '8:1', 'auto']

const size = (s: ImageSize, priceUsd: number, timeoutSecs: number): SizeOption => ({ size: s, priceUsd, tokens: null, timeoutSecs })

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
  {
    model: 'demo', provider: 'demo', label: 'Demo — not AI',
    description: 'Offline procedural pictures, clearly labelled, free.',
    sizes: [size('512', 0, 60), size('1K', 0, 60), size('2K', 0, 60)], defaultSize: '1K',
    aspectRatios: EVERY, maxInputImages: 0, maxPromptChars: 20_000, imagesPerTask: 4, watermark: true,
    priceBasis: { kind: 'free' }, priceIsEstimate: false, priceSource: 'free',
  },
]
