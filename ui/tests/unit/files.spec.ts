import { describe, it, expect, vi, beforeEach } from 'vitest'

const { pickSavePath, saveImageAs } = vi.hoisted(() => ({ pickSavePath: vi.fn(), saveImageAs: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: { pickSavePath, saveImageAs } }
})

import { saveImageWithDialog, suggestedFileName } from '@/lib/files'
import type { ImageRecord } from '@/api'

const image = (over: Partial<ImageRecord> = {}) => ({ id: 'img-1', position: 0, path: 'images/ab/abc.png' , ...over }) as ImageRecord

describe('saving an image', () => {
  beforeEach(() => { pickSavePath.mockReset(); saveImageAs.mockReset() })

  it('suggests a name from the prompt, numbered for later images of a job', () => {
    expect(suggestedFileName(image(), 'A lighthouse, on a basalt cliff at dusk; volumetric fog')).toBe('a-lighthouse-on-a-basalt-cliff.png')
    expect(suggestedFileName(image({ position: 1, path: 'images/ab/abc.jpg' }), 'Fox')).toBe('fox-2.jpg')
    expect(suggestedFileName(image(), '  !!! ')).toBe('nanoforge-img-1.png')
  })

  it('copies the original to the chosen path, and does nothing when cancelled', async () => {
    pickSavePath.mockResolvedValueOnce('/home/me/fox.png')
    expect(await saveImageWithDialog(image(), 'fox')).toBe(true)
    expect(pickSavePath).toHaveBeenCalledWith('fox.png', [{ name: 'PNG', extensions: ['png'] }])
    expect(saveImageAs).toHaveBeenCalledWith('img-1', '/home/me/fox.png')

    pickSavePath.mockResolvedValueOnce(null)
    expect(await saveImageWithDialog(image(), 'fox')).toBe(false)
    expect(saveImageAs).toHaveBeenCalledTimes(1)
  })
})
