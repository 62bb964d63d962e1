import { describe, it, expect, vi, afterEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

// The start's calls the first screen does not need wait for it to paint (issue 19): nothing runs before
// Home's mark, and the mark releases them; a window that never reaches Home waits at most two seconds.
describe('afterFirstScreen', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.resetModules()
  })

  it('holds a call until Home has painted, then runs it once the page is idle', async () => {
    setActivePinia(createPinia())
    vi.useFakeTimers({ toFake: ['setTimeout', 'requestAnimationFrame'] })
    const warmup = await import('@/lib/warmup')
    const fn = vi.fn()
    warmup.afterFirstScreen(fn)
    await vi.advanceTimersByTimeAsync(1500)
    expect(fn).not.toHaveBeenCalled()
    const painted = warmup.homePainted()
    await vi.advanceTimersByTimeAsync(100)
    await painted
    await vi.advanceTimersByTimeAsync(100)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('runs it after two seconds when Home never paints', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'requestAnimationFrame'] })
    const warmup = await import('@/lib/warmup')
    const fn = vi.fn()
    warmup.afterFirstScreen(fn)
    await vi.advanceTimersByTimeAsync(1900)
    expect(fn).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(200)
    expect(fn).toHaveBeenCalledTimes(1)
  })
})
