// The choices the generation form offers, matching the core's types.
import type { AspectRatio, Model, SizePreset } from '@/api'

export const SIZE_PRESETS: { value: SizePreset; pixels: number }[] = [
  { value: 'fast', pixels: 512 },
  { value: 'balanced', pixels: 768 },
  { value: 'quality', pixels: 1024 },
  { value: 'ultra', pixels: 1536 },
]

export const DEFAULT_SIZE: SizePreset = 'quality'

export function presetForPixels(pixels: number): SizePreset | undefined {
  return SIZE_PRESETS.find((p) => p.pixels === pixels)?.value
}

export const MODELS: { value: Exclude<Model, 'demo'>; label: string; maxPromptChars: number }[] = [
  { value: 'nano-banana', label: 'Nano Banana', maxPromptChars: 5000 },
  { value: 'nano-banana-2', label: 'Nano Banana 2', maxPromptChars: 20000 },
  { value: 'nano-banana-pro', label: 'Nano Banana Pro', maxPromptChars: 10000 },
]

export const MAX_IMAGES = 4

/** Ratios every model accepts, then the model-specific ones. */
export const COMMON_RATIOS: AspectRatio[] = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '5:4', '4:5', '21:9']

export function ratiosFor(model: Model): AspectRatio[] {
  if (model === 'nano-banana-2') return [...COMMON_RATIOS, '1:4', '4:1', '1:8', '8:1']
  if (model === 'nano-banana-pro') return [...COMMON_RATIOS, 'auto']
  return COMMON_RATIOS
}

export function maxPromptChars(model: Model): number {
  return MODELS.find((m) => m.value === model)?.maxPromptChars ?? 20000
}
