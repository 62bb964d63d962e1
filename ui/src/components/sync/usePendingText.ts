// Another device's held deletions in words: "Pixel 8 deleted 240 of 250 images forever — apply?", and
// what applying them did ("Deleted 238 images forever. 2 went to the Trash instead: …").
import { useI18n } from 'vue-i18n'
import type { DeletionsBy, PendingApplied, PendingDeletions } from '@/api'
import { formatCount } from '@/lib/format'
import { useSyncStore } from '@/stores/sync'

export function usePendingText() {
  const { t } = useI18n()
  const sync = useSyncStore()

  /** A device by the name it gave itself (or sync's name for it). */
  function deviceLabel(d: DeletionsBy | undefined): string {
    return d?.name || (d && sync.deviceName(d.deviceId)) || t('sync.pending.unknownDevice')
  }

  /** The device that deleted the most. */
  const deviceOf = (p: PendingDeletions) => deviceLabel(p.devices[0])

  function question(p: PendingDeletions): string {
    const args = { device: deviceOf(p), count: formatCount(p.count), total: formatCount(p.librarySize) }
    const others = p.devices.length - 1
    return others > 0
      ? t('sync.pending.questionMany', { ...args, others: formatCount(others) }, others)
      : t('sync.pending.question', args)
  }

  /** What Apply did; the kept ones went to the Trash because their original existed only here. */
  function appliedText(r: PendingApplied): string {
    const deleted = t('sync.pending.applied', { n: formatCount(r.deleted) }, r.deleted)
    return r.kept > 0 ? `${deleted} ${t('sync.pending.kept', { n: formatCount(r.kept) }, r.kept)}` : deleted
  }

  return { question, appliedText, deviceLabel }
}
