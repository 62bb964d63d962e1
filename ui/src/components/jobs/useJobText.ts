// How a job reads to a person: "Generating… 12 s (3 checks)", "Downloading 1/2 · 450 KB", "Done in 24.1 s ·
// $0.0125", its size, and whether the offline demo made it. Shared by the Generator's job cards and results,
// History's rows and the job actions.
import { useI18n } from 'vue-i18n'
import type { ImageSize, JobRecord, JobStage } from '@/api'
import { formatBytes, formatCost, formatDuration } from '@/lib/format'
import { displayIndex } from '@/lib/jobs'
import { useCatalogStore } from '@/stores/catalog'

/** Whole seconds while short (a ticking counter should not flicker tenths), then minutes. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  return `${Math.floor(s / 60)} min ${s % 60} s`
}

export function useJobText() {
  const { t } = useI18n()
  const catalog = useCatalogStore()

  /** Made by the offline demo provider (free, labelled "not AI"). */
  function isDemoJob(job: JobRecord | null | undefined): boolean {
    return catalog.isDemo(job?.provider)
  }

  /** "1K · 1024 px", or "—" for none (an input image has no size of its own). */
  function sizeText(size: ImageSize | null | undefined): string {
    return size ? t(`common.sizes.${size}`) : '—'
  }

  /** A cost as money, or "free" for the demo provider and zero-cost jobs. */
  function costText(cost: number | null | undefined, demo: boolean): string {
    return demo || !cost ? t('generator.stage.free') : formatCost(cost)
  }

  /**
   * The progress line. `elapsedMs` is the live elapsed time the caller keeps ticking between events
   * (generation events only arrive at each status check).
   */
  function stageText(stage: JobStage, record: JobRecord | null, elapsedMs: number): string {
    const demo = isDemoJob(record)
    switch (stage.kind) {
      case 'queued': return t('generator.stage.queued')
      case 'submitted': return t('generator.stage.submitted')
      case 'generating':
        return stage.polls > 0
          ? t('generator.stage.generatingChecks', { elapsed: formatElapsed(elapsedMs), n: stage.polls }, stage.polls)
          : t('generator.stage.generating', { elapsed: formatElapsed(elapsedMs) })
      case 'downloading': {
        const i = displayIndex(stage.image, stage.images)
        return stage.receivedBytes
          ? t('generator.stage.downloadingBytes', { i, n: stage.images, bytes: formatBytes(stage.receivedBytes) })
          : t('generator.stage.downloading', { i, n: stage.images })
      }
      case 'ingesting':
        return stage.images > 1
          ? t('generator.stage.ingestingMany', { i: displayIndex(stage.image, stage.images), n: stage.images })
          : t('generator.stage.ingesting')
      case 'done': {
        const cost = costText(stage.cost ?? record?.cost, demo)
        const duration = stage.durationMs ?? record?.durationMs
        return duration != null
          ? t('generator.stage.done', { duration: formatDuration(duration), cost })
          : t('generator.stage.doneShort', { cost })
      }
      case 'failed': return t('generator.stage.failed')
      case 'recoverable': return t('generator.stage.recoverable')
      case 'cancelled': return t('generator.stage.cancelled')
    }
  }

  return { stageText, costText, sizeText, isDemoJob }
}
