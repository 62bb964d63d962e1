import { describe, it, expect } from 'vitest'
import { DAY_MS, fillDays, formatUtcDay, rangeQuery, sizeSlices, summarize } from '@/lib/analytics'
import { MOCK_CATALOG as catalog } from '@/mocks/catalog'
import { allSizes } from '@/lib/catalog'
import { day } from './stats-fixtures'

const NOW = Date.UTC(2026, 10, 25, 15, 30)

describe('analytics series', () => {
  it('fills missing days with zeros so the axis is continuous', () => {
    const rows = [day('2026-11-21', { images: 2, jobs: 2, completedJobs: 2, cost: 0.025 }), day('2026-11-24', { images: 1, jobs: 1, completedJobs: 1 })]
    const days = fillDays(rows, Date.UTC(2026, 10, 19), NOW)
    expect(days.map((d) => d.day)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'])
    expect(days.map((d) => d.images)).toEqual([0, 0, 2, 0, 0, 1, 0])
    expect(days[0]).toMatchObject({ jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0, dayStart: Date.UTC(2026, 10, 19) })
  })

  it('drops rows outside the window', () => {
    const rows = [day('2026-10-01', { images: 9, jobs: 9 }), day('2026-11-25', { images: 1, jobs: 1 })]
    const days = fillDays(rows, Date.UTC(2026, 10, 24), NOW)
    expect(days.map((d) => [d.day, d.images])).toEqual([['2026-11-24', 0], ['2026-11-25', 1]])
  })

  it('starts "all time" at the first day with activity, with at least a week shown', () => {
    const rows = [day('2026-09-01'), day('2026-11-01', { jobs: 1, failedJobs: 1 }), day('2026-11-03', { images: 1, jobs: 1 })]
    const all = fillDays(rows, 0, NOW)
    expect(all[0].day).toBe('2026-11-01')
    expect(all.at(-1)?.day).toBe('2026-11-25')
    expect(all).toHaveLength(25)
    const fresh = fillDays([day('2026-11-25', { images: 1, jobs: 1 })], null, NOW)
    expect(fresh.map((d) => d.day)[0]).toBe('2026-11-19')
    expect(fresh).toHaveLength(7)
  })

  it('finds a row by its day string when dayStart is missing', () => {
    const row = { ...day('2026-11-24', { images: 4, jobs: 4 }), dayStart: null }
    expect(fillDays([row], Date.UTC(2026, 10, 24), NOW)[0].images).toBe(4)
  })

  it('asks the core for whole UTC days ending today', () => {
    const q = rangeQuery('7d', NOW)
    expect(q.to).toBe(NOW)
    expect(q.from).toBe(Date.UTC(2026, 10, 19))
    expect((NOW - (q.from ?? 0)) / DAY_MS).toBeLessThan(7)
    expect(rangeQuery('30d', NOW).from).toBe(Date.UTC(2026, 9, 27))
    expect(rangeQuery('all', NOW).from).toBe(0)
  })

  it('adds up a window for the KPI row', () => {
    const s = summarize([day('2026-11-24', { images: 3, jobs: 4, completedJobs: 3, failedJobs: 1, cost: 0.03 }), day('2026-11-25', { images: 1, jobs: 1, completedJobs: 1, cost: 0.01 })])
    expect(s).toMatchObject({ images: 4, jobs: 5, completedJobs: 4, failedJobs: 1 })
    expect(s.cost).toBeCloseTo(0.04)
    expect(s.successRate).toBeCloseTo(0.8)
    expect(summarize([day('2026-11-25')]).successRate).toBeNull()
  })

  it('labels days in UTC whatever the local time zone', () => {
    const label = formatUtcDay(day('2026-11-25'))
    expect(label).toMatch(/25/)
    expect(label).not.toMatch(/24/)
  })

  it('orders size slices as the catalog orders its sizes, leaving out sizes without images', () => {
    const slices = sizeSlices(allSizes(catalog), [
      { imageSize: '4K', images: 2, jobs: 2, cost: 0.3 },
      { imageSize: '512', images: 5, jobs: 5, cost: 0 },
      { imageSize: '2K', images: 1, jobs: 1, cost: null },
      { imageSize: '1K', images: 0, jobs: 1, cost: 0 },
    ])
    expect(slices).toEqual([
      { size: '512', images: 5, cost: 0 }, { size: '2K', images: 1, cost: 0 }, { size: '4K', images: 2, cost: 0.3 },
    ])
  })

  it('adds the possibly charged part of each day to a range', () => {
    const s = summarize([day('2026-11-24', { cost: 0.1, possibleCost: 0.067 }), day('2026-11-25', { possibleCost: 0.12 })])
    expect(s.cost).toBeCloseTo(0.1)
    expect(s.possibleCost).toBeCloseTo(0.187)
  })
})
