// Batches of the in-page core (browser-test build only): a template expanded as the core does it for the
// cases the tests use (`{a|b}` alternatives, `__name__` wildcards from MOCK_WILDCARDS, `${column}` from a
// simple CSV, all combinations or a seeded random N), priced per model at the model's default size (half
// for Gemini jobs with the Batch API), refused over the job limit or with an unknown wildcard with the
// core's kinds and wording, and over the month's budget unless `overBudget`. Interactive jobs run to a
// result (`@slow` in the template: ten times slower); Batch API jobs stay SUBMITTED ("results within 24 h").
import type { BatchPlan, BatchRequest, BatchState, BatchStatus, BatchSummary, ErrorKind, JobRecord, JobStage, Model, PlannedJob } from '@/api'
import { availableProviders, budgetStatus, image, job, MOCK_NOW, modelInfo, pad, priceOf, type MockJobEvent, type MockState } from './backend'

type Args = Record<string, unknown>
type Emit = (e: MockJobEvent) => void

/** The wildcard lists of every mock profile. */
export const MOCK_WILDCARDS: Record<string, string[]> = {
  colour: ['red', 'blue', 'green'],
  animal: ['cat', 'fox'],
}

const refuse = (kind: ErrorKind, message: string): never => { throw { kind, message } }

/** The template's prompts, in its order (each an array of parts, alternatives expanded). */
function expand(template: string, csv: string | null): string[] {
  const rows = csv ? parseCsv(csv) : null
  let prompts: string[] = ['']
  const re = /\{([^{}]*)\}|__([A-Za-z0-9_-]+?)__|\$\{(\w+)\}|([^{_$]+|[_$])/g
  const vars: string[] = []
  for (const m of template.matchAll(re)) {
    let options: string[]
    if (m[1] !== undefined) options = m[1].split('|')
    else if (m[2] !== undefined) {
      const list = MOCK_WILDCARDS[m[2]]
      if (!list) refuse('invalid_template', `there is no wildcard \`${m[2]}\` (character ${(m.index ?? 0) + 1}): save it first`)
      // Trimmed, blank and `#` lines skipped, as the core reads a list.
      options = list.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    } else if (m[3] !== undefined) {
      if (!rows) refuse('invalid_template', `the template uses \${${m[3]}} but no CSV file was given`)
      vars.push(m[3])
      options = [`\u0000${m[3]}\u0000`]
    } else options = [m[4] ?? '']
    prompts = prompts.flatMap((p) => options.map((o) => p + o))
  }
  if (!rows || vars.length === 0) return prompts
  return rows.values.flatMap((row) => prompts.map((p) => p.replace(/\u0000(\w+)\u0000/g, (_, c: string) => {
    const i = rows.header.indexOf(c)
    if (i < 0) refuse('invalid_template', `the CSV file has no column \`${c}\``)
    return row[i] ?? ''
  })))
}

function parseCsv(text: string): { header: string[]; values: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim())
  if (lines.length < 2) refuse('invalid_csv', 'the CSV file has no rows under its header')
  const split = (l: string) => l.split(',').map((x) => x.trim())
  return { header: split(lines[0]), values: lines.slice(1).map(split) }
}

/** `n` of the prompts drawn with `seed`, listed in the all-combinations order (every one when n ≥ count). */
function sample(prompts: string[], n: number, seed: number): string[] {
  if (n < 1) refuse('invalid_template', 'Random N needs N of at least 1')
  if (n >= prompts.length) return prompts
  let x = seed >>> 0 || 1
  const next = () => { x = (x * 1664525 + 1013904223) >>> 0; return x }
  const picked = new Set<number>()
  while (picked.size < n) picked.add(next() % prompts.length)
  return [...picked].sort((a, b) => a - b).map((i) => prompts[i])
}

export function planBatch(s: MockState, r: BatchRequest): PlannedJob[] {
  if (r.models.length === 0) refuse('invalid_input', 'a batch needs at least one model')
  const all = expand(r.template, r.csv ?? null)
  const mode = r.mode
  const prompts = mode.kind === 'random' ? Math.min(mode.n, all.length) : all.length
  const count = prompts * r.models.length
  if (count > r.max) {
    refuse('batch_too_large', `this would make ${count} prompts, more than the limit of ${r.max}: raise the limit, or use Random N with N up to ${r.max}`)
  }
  const chosen = mode.kind === 'random' ? sample(all, mode.n, mode.seed) : all
  const available = availableProviders(s)
  return chosen.flatMap((prompt) => r.models.map((model: Model) => {
    const info = modelInfo(model)
    // The demo runs a model's job when its provider has no key, as the core does.
    const provider = available.includes(info.provider) ? info.provider : 'demo'
    const size = r.size ?? info.defaultSize
    if (!info.sizes.some((x) => x.size === size)) refuse('invalid_input', `${info.label} does not offer the size ${size}`)
    const price = provider === 'demo' ? 0 : priceOf(s, model, size)
    const half = r.batchApi && provider === 'gemini'
    return { prompt, model, provider, size, estimatedCost: Math.round((half ? price / 2 : price) * 1e6) / 1e6 }
  }))
}

const plan = (jobs: PlannedJob[]): BatchPlan => ({
  count: jobs.length, jobs, estimatedCost: Math.round(jobs.reduce((sum, j) => sum + (j.estimatedCost ?? 0), 0) * 1e6) / 1e6,
})

/** Runs an interactive job of a batch to its image, as the queue would. */
function run(s: MockState, j: JobRecord, emit: Emit, step: number) {
  const stages: (() => JobStage)[] = [
    () => { j.status = 'SUBMITTED'; j.submittedAt = MOCK_NOW; return { kind: 'submitted', taskId: null } },
    () => { j.status = 'PROCESSING'; return { kind: 'generating', elapsedMs: step, polls: 1 } },
    () => {
      const img = image(j, 0, s.nextId++, s.prefix)
      img.jobStatus = 'COMPLETED'
      s.images.push(img)
      Object.assign(j, { status: 'COMPLETED', cost: j.estimatedCost, durationMs: step * 30, completedAt: MOCK_NOW, imageId: img.id, imageSha256: img.sha256 })
      return { kind: 'done', imageIds: [img.id], cost: j.cost, durationMs: j.durationMs }
    },
  ]
  let i = 0
  const tick = () => {
    if (j.status === 'CANCELLED' || i >= stages.length) return
    emit({ jobId: j.id, at: MOCK_NOW, stage: stages[i++]() })
    setTimeout(tick, step)
  }
  setTimeout(tick, step)
}

function status(s: MockState, id: string, batches: Map<string, string[]>, remote: Map<string, number>): BatchStatus {
  const ids = batches.get(id) ?? refuse('not_found', `batch ${id}`)
  const jobs = ids.map((x) => s.jobs.find((j) => j.id === x)).filter((j): j is JobRecord => !!j).map((j) => ({ ...j }))
  const counts = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 }
  for (const j of jobs) {
    if (j.status === 'PENDING') counts.pending++
    else if (j.status === 'COMPLETED') counts.completed++
    else if (j.status === 'FAILED') counts.failed++
    else if (j.status === 'CANCELLED') { counts.failed++; counts.cancelled++ }
    else counts.running++
  }
  const state: BatchState = counts.pending + counts.running > 0 ? 'running'
    : counts.failed > counts.cancelled ? 'failed' : counts.cancelled > 0 ? 'cancelled' : 'completed'
  const remoteBatches = Array.from({ length: remote.get(id) ?? 0 }, (_, n) => ({
    display_name: `nf:${id}:chunk-${n}`, model: jobs.find((j) => j.provider === 'gemini')?.model ?? 'gemini-3.1-flash-image',
    phase: 'created', name: `batches/mock-${n}`, state: 'running', jobs: 0, quarantined: 0, error: null,
  }))
  return { batch_id: id, state, counts, jobs, remote_batches: remoteBatches }
}

/**
 * The batch commands; `cancelJob` is the mock's own cancel (it tells the page), `added` reports new jobs
 * to the change feed.
 */
export function batchHandlers(lib: () => MockState, emitFor: () => Emit, added: (jobs: JobRecord[]) => unknown,
  cancelJob: (id: string) => unknown) {
  const batches = new WeakMap<MockState, Map<string, string[]>>()
  const summaries = new WeakMap<MockState, BatchSummary[]>()
  const remotes = new WeakMap<MockState, Map<string, number>>()
  const of = (s: MockState) => {
    if (!batches.has(s)) { batches.set(s, new Map()); remotes.set(s, new Map()) }
    return { ids: batches.get(s)!, remote: remotes.get(s)! }
  }
  return {
    plan_batch: (a: Args) => plan(planBatch(lib(), a.request as BatchRequest)),
    start_batch: (a: Args) => {
      const s = lib()
      const r = a.request as BatchRequest
      const p = plan(planBatch(s, r))
      const limit = s.preferences.monthlyBudgetUsd
      if (limit != null && !r.overBudget && (p.estimatedCost ?? 0) > 0) {
        const b = budgetStatus(s)
        const after = (b.spentConfirmed ?? 0) + (b.spentPossible ?? 0) + (p.estimatedCost ?? 0)
        if (after > limit + 1e-9) {
          refuse('over_budget', `this batch (about $${(p.estimatedCost ?? 0).toFixed(2)}) would take this month's spending to `
            + `$${after.toFixed(2)} of your $${limit.toFixed(2)} budget; start it anyway to go over it`)
        }
      }
      const batchId = `batch-${s.prefix}${pad(s.nextId++)}`
      const step = r.template.startsWith('@slow') ? 400 : 60
      const emit = emitFor()
      const records = p.jobs.map((pj) => {
        const viaBatchApi = r.batchApi && pj.provider === 'gemini'
        const j = job(0, {
          id: `job-${s.prefix}${pad(s.nextId++)}`, prompt: pj.prompt, provider: pj.provider, model: pj.model, imageSize: pj.size,
          aspectRatio: r.aspectRatio, status: viaBatchApi ? 'SUBMITTED' : 'PENDING', cost: 0, estimatedCost: pj.estimatedCost,
          mayBeCharged: viaBatchApi, durationMs: null, queueMs: null, submittedAt: null, remoteTaskId: null, imageId: null, imageSha256: null,
          createdAt: MOCK_NOW + s.nextId * 1000, updatedAt: MOCK_NOW, completedAt: null, attempts: 0, batchId,
        })
        s.jobs.push(j)
        if (!viaBatchApi) run(s, j, emit, step)
        return j
      })
      const { ids, remote } = of(s)
      ids.set(batchId, records.map((j) => j.id))
      const sent = records.filter((j) => j.status === 'SUBMITTED').length
      if (sent) remote.set(batchId, Math.ceil(sent / 20))
      summaries.set(s, [{ batchId, template: r.template, models: [...r.models], count: p.count, estimatedCost: p.estimatedCost, createdAt: MOCK_NOW },
        ...(summaries.get(s) ?? [])])
      added(records)
      return { batch_id: batchId, plan: p, jobs: records.map((j) => ({ ...j })) }
    },
    batch_status: (a: Args) => { const { ids, remote } = of(lib()); return status(lib(), String(a.id), ids, remote) },
    recent_batches: (a: Args) => (summaries.get(lib()) ?? []).slice(0, Number(a.limit ?? 20)),
    cancel_batch: (a: Args) => {
      const s = lib()
      const { ids, remote } = of(s)
      for (const id of ids.get(String(a.id)) ?? refuse('not_found', `batch ${String(a.id)}`)) {
        const j = s.jobs.find((x) => x.id === id)
        if (j && !['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.status)) cancelJob(id)
      }
      remote.delete(String(a.id))
      return status(s, String(a.id), ids, remote)
    },
  }
}
