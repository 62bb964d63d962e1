// A batch's jobs as a grid: one row per prompt (the template's expansions, in the order they were recorded)
// and one column per model (in the order the batch fanned out to them). The jobs are the truth: a row is
// made of the jobs that share its prompt, so nothing here re-expands the template.
import type { JobRecord, Model } from '@/api'

export interface BatchGrid {
  models: Model[]
  rows: { prompt: string; cells: (JobRecord | null)[] }[]
}

export function batchGrid(jobs: JobRecord[]): BatchGrid {
  const models: Model[] = []
  const rows = new Map<string, Map<Model, JobRecord>>()
  for (const job of jobs) {
    if (!models.includes(job.model)) models.push(job.model)
    let row = rows.get(job.prompt)
    if (!row) {
      row = new Map()
      rows.set(job.prompt, row)
    }
    // A prompt the template makes twice (a random sample never does, a repeated alternative may) keeps its
    // first job here; the others still count in the batch's totals.
    if (!row.has(job.model)) row.set(job.model, job)
  }
  return {
    models,
    rows: [...rows.entries()].map(([prompt, cells]) => ({ prompt, cells: models.map((m) => cells.get(m) ?? null) })),
  }
}

/** The cell's state as the grid shows it. */
export type CellState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled'

export function cellState(job: JobRecord): CellState {
  switch (job.status) {
    case 'PENDING': return 'pending'
    case 'COMPLETED': return 'done'
    case 'FAILED': return 'failed'
    case 'CANCELLED': return 'cancelled'
    default: return 'running'
  }
}
