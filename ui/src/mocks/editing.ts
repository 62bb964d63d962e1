// The editing studio of the in-page core (browser-test build only), like core/src/app/session/editing.rs,
// edit_quote.rs, masked_edit.rs, references.rs and library/lineage.rs: an edit is a new job whose
// `parentImageId` is the edited image (run by ./generation.ts, so it reports progress like any job); on
// Gemini it continues the conversation that made the image when the model is the same, replaying the chain's
// images (what the quote prices and the payload meter counts); a region edit reads the mask PNG the page
// added (its size must be the image's, and it must paint something); an upscale re-renders at 2K or 4K on a
// model that offers it; a reply answers a job whose model answered with text only. The lineage tree is
// built from the jobs. References are named images kept per library.
// Steering, on `window.__NANOFORGE_MOCK__.editing`: `payloadScale` multiplies the payload's bytes (large at
// 40 MB, refused over 100 MB), `flagNext` flags the next edit's image (`wrong_size`, `unaligned`). An
// instruction with `@ask` gets a text-only answer (a `no_image` failure carrying the model's question),
// `@fail:conversation_broken` a broken conversation unless it starts fresh; `@slow` and other `@fail:`
// markers work as in the Generator. Markers are not kept in the job's prompt.
import type {
  EditQuote, EditRequest, GenerationRequest, ImageFlag, ImageRecord, ImageSize, JobPurpose, JobRecord, Lineage, LineageNode, Model, PayloadMeter,
  ProviderKind, Reference,
} from '@/api'
import { availableProviders, MOCK_NOW, modelInfo, pad, priceOf, type MockJobEvent, type MockState } from './backend'
import { MOCK_MODELS } from './catalog'
import { refuse, startGeneration } from './generation'

type Emit = (e: MockJobEvent) => void

export interface MockEditing {
  references: Reference[]
  /** A job's conversation: the job whose answer it continued (absent: it started one). */
  continues: Record<string, string>
  /** Replies: the job whose text-only answer each one answers. */
  replyTo: Record<string, string>
  /** Bytes of input images the page added (masks are read from them). */
  bytes: Record<string, Uint8Array>
  /** The last region edit's mask: its size and share painted. */
  lastMask: { imageId: string; width: number; height: number; painted: number } | null
  payloadScale: number
  flagNext: ImageFlag | null
}

const INLINE_LIMIT = 100_000_000
const LARGE_PAYLOAD = 40_000_000
const INPUT_TOKENS_PER_IMAGE = 560
const UPSCALE_INSTRUCTION = 'Re-render this exact image at higher resolution. Keep the composition, framing, colours, identity, '
  + 'expressions and all text exactly; add only fine natural detail (pores, fabric weave, hair); no smoothing, no new objects.'
const QUESTION = 'Happy to change the jacket. Which one do you mean: the red one she is wearing, or the denim one over the chair?'
const BROKEN = 'Gemini refused the conversation (Image part is missing a thought_signature in content position 2, part position 1): '
  + 'it cannot go on as it is. Start fresh from this image.'

/** The library's editing state, made on first use (with two references when the library has images). */
export function editingOf(s: MockState): MockEditing {
  const holder = s as MockState & { editing?: MockEditing }
  if (!holder.editing) {
    const seed = s.images.slice(0, 2)
    holder.editing = {
      references: seed.map((image, i) => ({
        id: `ref-${s.prefix}${pad(i + 1)}`, name: ['Mira', 'logo'][i], imageId: image.id, sha256: image.sha256, updatedAt: MOCK_NOW - (2 - i) * 3_600_000,
      })),
      continues: {}, replyTo: {}, bytes: {}, lastMask: null, payloadScale: 1, flagNext: null,
    }
  }
  return holder.editing
}

function imageOf(s: MockState, id: string): ImageRecord {
  const image = s.images.find((i) => i.id === id) ?? s.inputs.find((i) => i.id === id)
  if (!image) refuse('not_found', `image ${id} not found (deleted forever images cannot be edited)`)
  return image
}

const jobOf = (s: MockState, id: string | null | undefined) => s.jobs.find((j) => j.id === id)
const defaultModel = (provider: ProviderKind): Model => MOCK_MODELS.find((m) => m.provider === provider)?.model ?? 'demo'

/** Who runs the edit, on which model and size, and whether it continues the image's conversation. */
function plan(s: MockState, req: EditRequest, image: ImageRecord) {
  const job = jobOf(s, image.jobId)
  const available = availableProviders(s)
  const provider = req.provider
    ?? (job && job.provider !== 'demo' && available.includes(job.provider) ? job.provider : available[0])
  const model = [req.model, job?.model].find((m) => m && modelInfo(m).provider === provider) ?? defaultModel(provider)
  const info = modelInfo(model)
  const asked = req.size ?? job?.imageSize
  const size: ImageSize = asked && info.sizes.some((x) => x.size === asked) ? asked : info.defaultSize
  const continues = !!job && !req.startFresh && provider === 'gemini' && job.provider === provider && job.model === model
  return { job, provider, model, size, continues }
}

/** The images the conversation ending with `jobId` sends again: each turn's inputs and its answer's images. */
function chainImages(s: MockState, jobId: string): ImageRecord[] {
  const ed = editingOf(s)
  const out: ImageRecord[] = []
  const seen = new Set<string>()
  for (let id: string | undefined = jobId; id && !seen.has(id); id = ed.continues[id]) {
    seen.add(id)
    const j = jobOf(s, id)
    if (!j) break
    out.push(...s.images.filter((i) => i.jobId === id))
    out.push(...j.inputImageIds.map((x) => imageOf(s, x)))
    if (!ed.continues[id] && j.parentImageId) out.push(imageOf(s, j.parentImageId))
  }
  return out
}

function referencesOf(s: MockState, names: string[] | undefined): ImageRecord[] {
  const refs = editingOf(s).references
  return (names ?? []).map((name) => {
    const ref = refs.find((r) => r.name.toLowerCase() === name.toLowerCase())
    if (!ref) refuse('not_found', `no reference is named '${name}'`)
    return imageOf(s, ref.imageId)
  })
}

/**
 * A generation's named references as the core takes them (session/generation.rs): their images become the
 * request's first inputs; a name that is no reference is `not_found` before anything is recorded.
 */
export function withReferences(s: MockState, req: GenerationRequest): GenerationRequest {
  if (!req.references?.length) return req
  const ids = referencesOf(s, req.references).map((i) => i.id)
  return { ...req, references: [], inputImages: [...ids, ...(req.inputImages ?? [])] }
}

function meter(s: MockState, images: ImageRecord[], text: string): PayloadMeter {
  const raw = images.reduce((a, i) => a + Math.ceil((i.bytes ?? 0) / 3) * 4, 0)
  const bytes = Math.round((raw + text.length + 512 + 128 * images.length) * editingOf(s).payloadScale)
  return { bytes, limitBytes: INLINE_LIMIT, images: images.length, large: bytes > LARGE_PAYLOAD, overLimit: bytes > INLINE_LIMIT }
}

function priced(s: MockState, req: EditRequest) {
  const instruction = (req.instruction ?? '').trim()
  if (!instruction) refuse('invalid_input', 'say what to change: the instruction is empty')
  const image = imageOf(s, req.imageId ?? '')
  const p = plan(s, req, image)
  const replayed = p.continues && p.job ? chainImages(s, p.job.id) : []
  const sent = [...replayed, ...(p.continues ? [] : [image]), ...referencesOf(s, req.references),
    ...(req.inputImages ?? []).map((id) => imageOf(s, id))]
  const basis = modelInfo(p.model).priceBasis
  const perInput = basis.kind === 'perOutputToken' ? (INPUT_TOKENS_PER_IMAGE * (basis.inputUsdPerMillion ?? 0)) / 1e6 : 0
  const replayUsd = Math.round(replayed.length * perInput * 1e6) / 1e6
  const imageUsd = p.provider === 'demo' ? 0 : priceOf(s, p.model, p.size)
  return { image, instruction, p, replayed, payload: meter(s, sent, instruction), imageUsd, replayUsd }
}

export function editQuote(s: MockState, req: EditRequest): EditQuote {
  const q = priced(s, req)
  return {
    provider: q.p.provider, model: q.p.provider === 'demo' ? 'demo' : q.p.model, size: q.p.size, continues: q.p.continues,
    replayedImages: q.replayed.length, imageUsd: q.imageUsd, replayUsd: q.replayUsd,
    totalUsd: Math.round((q.imageUsd + q.replayUsd) * 1e6) / 1e6, payload: q.payload,
  }
}

/** Rewrites what the model "said" on the way out, and flags a steered result. */
function reporter(s: MockState, emit: Emit): Emit {
  return (e) => {
    const j = jobOf(s, e.jobId)
    const ed = editingOf(s)
    if (e.stage.kind === 'failed' && j && (e.stage.error.kind === 'no_image' || e.stage.error.kind === 'conversation_broken')) {
      const message = e.stage.error.kind === 'no_image' ? QUESTION : BROKEN
      Object.assign(j, { errorMessage: message, mayBeCharged: e.stage.error.kind === 'no_image' })
      e = { ...e, stage: { kind: 'failed', error: { kind: e.stage.error.kind, message } } }
    }
    if (e.stage.kind === 'done' && ed.flagNext) {
      for (const img of s.images.filter((i) => e.stage.kind === 'done' && e.stage.imageIds.includes(i.id))) img.flag = ed.flagNext
      ed.flagNext = null
    }
    emit(e)
  }
}

/** Records the job of an edit (any purpose) and runs it. */
function run(s: MockState, req: EditRequest, purpose: JobPurpose, emit: Emit): JobRecord {
  const q = priced(s, req)
  if (q.payload.overLimit) {
    refuse('invalid_input', `the request would be about ${Math.round((q.payload.bytes ?? 0) / 1e6)} MB, over the 100 MB inline limit: start fresh from this image`)
  }
  const max = modelInfo(q.p.provider === 'demo' ? 'demo' : q.p.model).maxInputImages
  const extra = (req.references?.length ?? 0) + (req.inputImages?.length ?? 0)
  if (extra > 0 && extra + 1 > max) refuse('invalid_input', `${modelInfo(q.p.model).label} takes at most ${max} input images; this edit sends ${extra + 1}`)
  let prompt = q.instruction.replace(/@ask\b/, '@fail:no_image')
  if (req.startFresh) prompt = prompt.replace(/@fail:conversation_broken\s*/, '')
  const [record] = startGeneration(s, {
    prompt, model: q.p.model, size: q.p.size, aspectRatio: '1:1', count: 1, inputImages: req.inputImages ?? [],
  }, { provider: q.p.provider, overBudget: !!req.overBudget, parentImageId: q.image.id }, reporter(s, emit))
  const j = jobOf(s, record.id)!
  // Markers steer the mock; the prompt keeps what a person typed.
  Object.assign(j, { purpose, taskType: 'IMAGE_TO_IMAGE', prompt: prompt.replace(/@(fail:\w+|slow)\s*/g, '').trim() || q.instruction })
  if (q.p.continues && q.p.job) editingOf(s).continues[j.id] = q.p.job.id
  return { ...j }
}

export function editImage(s: MockState, req: EditRequest, emit: Emit): JobRecord {
  return run(s, req, 'edit', emit)
}

/** Reads the mask the page added (a PNG of the image's size) and runs the edit of what it paints. */
export async function editRegion(s: MockState, req: EditRequest, maskImageId: string, emit: Emit): Promise<JobRecord> {
  const image = imageOf(s, req.imageId ?? '')
  if (!s.inputs.some((i) => i.id === maskImageId)) refuse('not_found', `mask ${maskImageId} not found`)
  const bytes = editingOf(s).bytes[maskImageId]
  if (bytes) {
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }))
    if (bitmap.width !== image.width || bitmap.height !== image.height) {
      refuse('invalid_input', `the mask is ${bitmap.width}×${bitmap.height}; the image is ${image.width}×${image.height}`)
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(bitmap, 0, 0)
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data
    let painted = 0
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 127) painted++
    if (painted === 0) refuse('invalid_input', 'the mask paints nothing: paint the region to change')
    editingOf(s).lastMask = { imageId: image.id, width: bitmap.width, height: bitmap.height, painted: painted / (bitmap.width * bitmap.height) }
  }
  return run(s, { ...req, startFresh: true }, 'masked_edit', emit)
}

export function upscale(s: MockState, imageId: string, size: ImageSize, model: Model | null, overBudget: boolean, emit: Emit): JobRecord {
  if (size !== '2K' && size !== '4K') refuse('invalid_input', 'an upscale is to 2K or 4K')
  const image = imageOf(s, imageId)
  const available = availableProviders(s)
  const makes = (m: Model) => modelInfo(m).sizes.some((x) => x.size === size)
  if (model && !makes(model)) refuse('invalid_input', `${modelInfo(model).label} does not make ${size} images; choose a model that does`)
  const own = jobOf(s, image.jobId)?.model
  const chosen = model ?? [own, ...MOCK_MODELS.map((m) => m.model)]
    .find((m): m is Model => !!m && makes(m) && available.includes(modelInfo(m).provider) && modelInfo(m).provider !== 'demo')
  if (!chosen) refuse('invalid_input', `no model you can use here makes ${size} images: add a Gemini or Nano Banana key`)
  return run(s, {
    imageId, instruction: UPSCALE_INSTRUCTION, provider: modelInfo(chosen).provider, model: chosen, size, startFresh: true, overBudget,
  }, 'upscale', emit)
}

export function reply(s: MockState, jobId: string, text: string, overBudget: boolean, emit: Emit): JobRecord {
  const job = jobOf(s, jobId)
  if (!job) refuse('not_found', `job ${jobId} not found`)
  if (job.errorKind !== 'no_image') refuse('invalid_input', `job ${jobId} has no answer of a conversation to reply to`)
  if (!text.trim()) refuse('invalid_input', 'say something: the reply is empty')
  const [record] = startGeneration(s, {
    prompt: text.trim(), model: job.model, size: job.imageSize, aspectRatio: job.aspectRatio, count: 1,
  }, { provider: job.provider, overBudget, parentImageId: job.parentImageId }, reporter(s, emit))
  const j = jobOf(s, record.id)!
  j.purpose = 'reply'
  const ed = editingOf(s)
  ed.replyTo[j.id] = job.id
  ed.continues[j.id] = job.id
  return { ...j }
}

// ---- The lineage tree

function parentOf(s: MockState, job: JobRecord): { job?: JobRecord; input?: string } {
  const answered = editingOf(s).replyTo[job.id]
  if (job.purpose === 'reply' && answered) return { job: jobOf(s, answered) }
  if (!job.parentImageId) return {}
  const image = s.images.find((i) => i.id === job.parentImageId) ?? s.inputs.find((i) => i.id === job.parentImageId)
  if (!image) return {}
  return image.jobId ? { job: jobOf(s, image.jobId) } : { input: image.id }
}

function subtree(s: MockState, job: JobRecord, count: { n: number }): LineageNode {
  count.n++
  const imageIds = s.images.filter((i) => i.jobId === job.id).sort((a, b) => a.position - b.position).map((i) => i.id)
  const replyTo = editingOf(s).replyTo
  const children = [
    ...childrenOf(s, imageIds, count),
    ...s.jobs.filter((x) => x.purpose === 'reply' && replyTo[x.id] === job.id).map((x) => subtree(s, x, count)),
  ].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
  return {
    jobId: job.id, imageIds, prompt: job.prompt, purpose: job.purpose, model: job.model, status: job.status,
    errorKind: job.errorKind ?? null, errorMessage: job.errorMessage ?? null, cost: job.cost ?? 0, createdAt: job.createdAt, children,
  }
}

function childrenOf(s: MockState, imageIds: string[], count: { n: number }): LineageNode[] {
  return imageIds.flatMap((id) => s.jobs
    .filter((j) => j.parentImageId === id && j.purpose !== 'reply')
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || (a.id < b.id ? -1 : 1))
    .map((j) => subtree(s, j, count)))
}

const total = (n: LineageNode): number => (n.cost ?? 0) + n.children.reduce((a, c) => a + total(c), 0)

export function lineage(s: MockState, imageId: string): Lineage {
  const image = imageOf(s, imageId)
  let top = jobOf(s, image.jobId)
  let rootInput = top ? null : image.id
  const seen = new Set<string>()
  while (top && !seen.has(top.id)) {
    seen.add(top.id)
    const parent = parentOf(s, top)
    if (parent.job) top = parent.job
    else {
      if (parent.input) rootInput = parent.input
      break
    }
  }
  const count = { n: 0 }
  const root: LineageNode = rootInput
    ? {
      jobId: null, imageIds: [rootInput], prompt: null, purpose: null, model: null, status: null, errorKind: null, errorMessage: null,
      cost: 0, createdAt: image.createdAt,
      children: top ? [subtree(s, top, count)] : childrenOf(s, [rootInput], count),
    }
    : subtree(s, top!, count)
  return { root, totalCost: Math.round(total(root) * 1e6) / 1e6, jobs: count.n }
}

// ---- References

function checkName(name: string): string {
  const n = name.trim()
  if (!n) refuse('invalid_input', 'a reference name cannot be empty')
  if ([...n].length > 64) refuse('invalid_input', 'a reference name has at most 64 characters')
  if (/[@\p{Cc}]/u.test(n)) refuse('invalid_input', "a reference name cannot hold control characters or '@' (it is how the prompt names one)")
  return n
}

export const listReferences = (s: MockState): Reference[] =>
  [...editingOf(s).references].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))

export function setReference(s: MockState, name: string, imageId: string): Reference {
  const n = checkName(name)
  const image = imageOf(s, imageId)
  const ed = editingOf(s)
  const existing = ed.references.find((r) => r.name.toLowerCase() === n.toLowerCase())
  const at = MOCK_NOW + s.nextId * 1000
  if (existing) {
    Object.assign(existing, { name: n, imageId, sha256: image.sha256, updatedAt: at })
    return { ...existing }
  }
  const ref: Reference = { id: `ref-${s.prefix}${pad(s.nextId++)}`, name: n, imageId, sha256: image.sha256, updatedAt: at }
  ed.references.push(ref)
  return { ...ref }
}

export function renameReference(s: MockState, id: string, name: string): Reference {
  const n = checkName(name)
  const ref = editingOf(s).references.find((r) => r.id === id)
  if (!ref) refuse('not_found', `reference ${id} not found`)
  Object.assign(ref, { name: n, updatedAt: MOCK_NOW + s.nextId++ * 1000 })
  return { ...ref }
}

export function removeReference(s: MockState, name: string): void {
  const ed = editingOf(s)
  const ref = ed.references.find((r) => r.name.toLowerCase() === name.trim().toLowerCase())
  if (!ref) refuse('not_found', `no reference is named '${name}'`)
  ed.references = ed.references.filter((r) => r !== ref)
}

/** The command handlers, for the mock IPC router; `changed` notes what each write committed. */
export function editingHandlers(
  lib: () => MockState,
  emit: () => Emit,
  changed: (note: { jobs?: { added: string[] }; references?: boolean; stats?: boolean }) => void,
): Record<string, (a: Record<string, unknown>) => unknown> {
  const added = (j: JobRecord) => { changed({ jobs: { added: [j.id] }, stats: true }); return j }
  const refs = <T>(result: T) => { changed({ references: true }); return result }
  return {
    edit_image: (a) => added(editImage(lib(), a.request as EditRequest, emit())),
    edit_image_region: async (a) => added(await editRegion(lib(), a.request as EditRequest, String(a.maskImageId), emit())),
    edit_quote: (a) => editQuote(lib(), a.request as EditRequest),
    reply_to_job: (a) => added(reply(lib(), String(a.jobId), String(a.text ?? ''), !!a.overBudget, emit())),
    upscale_image: (a) => added(upscale(lib(), String(a.imageId), a.size as ImageSize, (a.model ?? null) as Model | null, !!a.overBudget, emit())),
    image_lineage: (a) => lineage(lib(), String(a.imageId)),
    list_references: () => listReferences(lib()),
    set_reference: (a) => refs(setReference(lib(), String(a.name ?? ''), String(a.imageId))),
    rename_reference: (a) => refs(renameReference(lib(), String(a.id), String(a.name ?? ''))),
    remove_reference: (a) => refs(removeReference(lib(), String(a.name ?? ''))) ?? null,
  }
}

/** Keeps the bytes of an input the page added, so a region edit can read its mask. */
export function keepInputBytes(s: MockState, record: ImageRecord, bytes: Uint8Array): ImageRecord {
  editingOf(s).bytes[record.id] = bytes.slice()
  return record
}
