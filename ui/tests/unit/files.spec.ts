import { describe, it, expect, vi, beforeEach } from 'vitest'

const { saveImageAs } = vi.hoisted(() => ({ saveImageAs: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: { saveImageAs } }
})

import { saveImageWithDialog, suggestedFileName } from '@/lib/files'
import type { ImageRecord } from '@/api'

const image = (over: Partial<ImageRecord> = {}) => ({ id: 'img-1', position: 0, path: 'images/ab/abc.png' , ...over }) as ImageRecord

describe('saving an image', () => {
  beforeEach(() => { saveImageAs.mockReset() })

  it('suggests a name from the prompt, numbered for later images of a job', () => {
    expect(suggestedFileName(image(), 'A lighthouse, on a basalt cliff at dusk; volumetric fog')).toBe('a-lighthouse-on-a-basalt-cliff.png')
    expect(suggestedFileName(image({ position: 1, path: 'images/ab/abc.jpg' }), 'Fox')).toBe('fox-2.jpg')
    expect(suggestedFileName(image(), '  !!! ')).toBe('nanoforge-img-1.png')
  })

  it('hands the shell only the id and a suggested name (the shell asks where), and reports a cancel', async () => {
    saveImageAs.mockResolvedValueOnce(true)
    expect(await saveImageWithDialog(image(), 'fox')).toBe(true)
    expect(saveImageAs).toHaveBeenCalledWith('img-1', 'fox.png')

    saveImageAs.mockResolvedValueOnce(false)
    expect(await saveImageWithDialog(image(), 'fox')).toBe(false)
  })
})
