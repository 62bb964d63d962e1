// This session's list as the Generator shows it: a single job is a row of its own, and a batch's jobs (which
// can be hundreds) are one row, placed where its newest job would be, with counts of where they stand.
import type { JobStage } from '@/api'
import type { TrackedJob } from '@/stores/jobs'

export interface BatchCounts {
  total: number
  done: number
  failed: number
  cancelled: number
  running: number
}

export type SessionRow =
  | { kind: 'job'; key: string; job: TrackedJob }
  | { kind: 'batch'; key: string; batchId: string; jobs: TrackedJob[]; counts: BatchCounts }

function count(counts: BatchCounts, stage: JobStage['kind']) {
  counts.total++
  if (stage === 'done') counts.done++
  else if (stage === 'failed' || stage === 'recoverable') counts.failed++
  else if (stage === 'cancelled') counts.cancelled++
  else counts.running++
}

/** `jobs` newest first; a job whose record has not arrived yet (no batch known) shows on its own until it does. */
export function sessionRows(jobs: TrackedJob[]): SessionRow[] {
  const rows: SessionRow[] = []
  const batches = new Map<string, Extract<SessionRow, { kind: 'batch' }>>()
  for (const job of jobs) {
    const batchId = job.record?.batchId
    if (!batchId) {
      rows.push({ kind: 'job', key: job.id, job })
      continue
    }
    let row = batches.get(batchId)
    if (!row) {
      row = { kind: 'batch', key: `batch:${batchId}`, batchId, jobs: [], counts: { total: 0, done: 0, failed: 0, cancelled: 0, running: 0 } }
      batches.set(batchId, row)
      rows.push(row)
    }
    row.jobs.push(job)
    count(row.counts, job.stage.kind)
  }
  return rows
}
