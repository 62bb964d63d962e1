// Test data shared by the Dashboard/Analytics/stats specs: a small LibraryStats and image list.
import type { DayStats, ImageRecord, LibraryStats } from '@/api'

const DAY = 86_400_000

export function day(iso: string, over: Partial<DayStats> = {}): DayStats {
  return {
    day: iso, dayStart: Date.parse(`${iso}T00:00:00Z`), images: 0, jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0,
    possibleCost: 0, ...over,
  }
}

export function libraryStats(over: Partial<LibraryStats> = {}): LibraryStats {
  return {
    totals: {
      images: 1234, imageBytes: 5_000_000, jobs: 1300, completedJobs: 1200, failedJobs: 40, totalCost: 15.4375,
      possibleCost: 0.134, recoverableJobs: 2, avgDurationMs: 42_300, successRate: 1200 / 1240,
    },
    thisMonth: {
      images: 87, imageBytes: 100, jobs: 90, completedJobs: 85, failedJobs: 2, totalCost: 1.0875,
      possibleCost: 0.067, recoverableJobs: 1, avgDurationMs: 40_000, successRate: 85 / 87,
    },
    perDay: [day('2026-11-23', { images: 3, jobs: 3, completedJobs: 3, cost: 0.0375 }), day('2026-11-25', { images: 1, jobs: 2, completedJobs: 1, failedJobs: 1, cost: 0.0125 })],
    perSize: [
      { imageSize: '512', images: 10, jobs: 10, cost: 0.05 },
      { imageSize: '1K', images: 30, jobs: 31, cost: 0.375 },
    ],
    activeJobs: 2,
    trashedImages: 5,
    ...over,
  }
}

export function emptyStats(): LibraryStats {
  const zero = {
    images: 0, imageBytes: 0, jobs: 0, completedJobs: 0, failedJobs: 0, totalCost: 0, possibleCost: 0, recoverableJobs: 0,
    avgDurationMs: null, successRate: null,
  }
  return { totals: { ...zero }, thisMonth: { ...zero }, perDay: [], perSize: [], activeJobs: 0, trashedImages: 0 }
}

export function imageRecord(n: number): ImageRecord {
  return {
    id: `img-${n}`, kind: 'generated', jobId: `job-${n}`, position: 0, sha256: `sha${n}`, path: `images/aa/sha${n}.png`, mime: 'image/png',
    width: 1024, height: 1024, bytes: 1000, thumbPath: `thumbs/256/sha${n}.webp`, previewPath: null, imageSize: '1K',
    favourite: false, rating: 0, deletedAt: null, createdAt: Date.UTC(2026, 10, 25) - n * DAY, flag: null, prompt: `prompt ${n}`,
    model: 'nano-banana-2', jobStatus: 'COMPLETED',
  }
}
