// Records shaped like the core's, for the Generator, History and jobs store specs.
import type {
  ApiKeyStatus, BudgetStatus, GenerateOptions, GenerationRequest, ImageRecord, JobRecord, Preferences, ProviderKind, Quote,
  SecretPurpose,
} from '@/api'
import { mockQuote } from '@/mocks/catalog'

export function jobRecord(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job-1', imageId: null, imageSha256: null, prompt: 'a red fox in snow', taskType: 'TEXT_TO_IMAGE', provider: 'nanobanana',
    model: 'nano-banana-2', imageSize: '1K', aspectRatio: '1:1', numImages: 1, watermark: null, inputImageUrls: [], inputImageIds: [],
    seed: null, remoteTaskId: null, cost: null, estimatedCost: 0.067, mayBeCharged: false,
    durationMs: null, queueMs: null, submittedAt: null, status: 'PENDING',
    errorKind: null, errorMessage: null, attempts: 0, timeoutSecs: null, parentJobId: null, parentImageId: null,
    createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, completedAt: null, originDevice: null, chargedCredits: null, purpose: null, batchId: null, ...over,
  }
}

export function imageRecord(id: string): ImageRecord {
  return {
    id, kind: 'generated', jobId: 'job-1', position: 0, sha256: 'ab', path: `images/ab/${id}.png`, mime: 'image/png', width: 1024,
    height: 1024, bytes: 1000, thumbPath: null, previewPath: `thumbs/512/${id}.webp`, imageSize: '1K',
    favourite: false, rating: 0, deletedAt: null, createdAt: 1, flag: null, prompt: 'a red fox in snow', model: 'nano-banana-2',
    jobStatus: 'COMPLETED',
  }
}

export const preferences: Preferences = {
  defaultModel: 'nano-banana-2', defaultSize: '1K', defaultAspectRatio: '1:1', defaultCount: 1, priceOverrides: [],
  monthlyBudgetUsd: null, creditsPerImage: null, recoveryWindowDays: 14, concurrency: 4, notifyWhenDone: true,
}

/** The catalog as the core sends it for a profile without prices of its own (the mock core's static copy). */
export { MOCK_CATALOG as catalog, mockCatalog } from '@/mocks/catalog'

/** This month with no budget set. */
export const noBudget: BudgetStatus = { limitUsd: null, month: '2026-11', spentConfirmed: 0, spentPossible: 0, level: 'off' }


/**
 * The core's `availableProviders` over a `keyStatus` mock: the provider of every key that is set, then the
 * demo (which always runs).
 */
export function providersFromKeys(keyStatus: (purpose: SecretPurpose) => Promise<ApiKeyStatus>) {
  return async (): Promise<ProviderKind[]> => {
    const keys = await Promise.all((['nanoBananaKey', 'geminiKey'] as const).map((p) => keyStatus(p)))
    return [...new Set<ProviderKind>([...keys.filter((k) => k.configured).map((k) => k.provider), 'demo'])]
  }
}

/**
 * The core's `quote` over the same mocks: the providers the keys allow and the profile's own prices (the
 * mock core's copy of the core's rules, so the page under test does none of it).
 */
export function quoteFromKeys(
  keyStatus: (purpose: SecretPurpose) => Promise<ApiKeyStatus>, saved: () => Promise<Preferences>,
) {
  const available = providersFromKeys(keyStatus)
  return async (request: GenerationRequest, options: GenerateOptions = {}): Promise<Quote> => {
    const p = await saved()
    return mockQuote(await available(), p.priceOverrides, request, options, p.defaultModel)
  }
}
