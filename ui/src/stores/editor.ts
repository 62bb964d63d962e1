import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import {
  api, errorKind, errorMessage, type EditRequest, type ErrorKind, type ImageRecord, type ImageSize, type JobRecord,
  type JobStage, type Lineage, type Model,
} from '@/api'
import { isFinalStage, stageOfRecord } from '@/lib/jobs'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useJobsStore } from '@/stores/jobs'
import { useProfileScoped } from '@/stores/profile'

/** What the editor sent last, to follow it and to send it again ("Start fresh", over the budget). */
export type SentAction =
  | { kind: 'edit'; request: EditRequest }
  | { kind: 'region'; request: EditRequest; maskImageId: string }
  | { kind: 'upscale'; size: ImageSize; model: Model | null }
  | { kind: 'reply'; jobId: string; text: string }

/** The job the editor follows: its record and latest stage (the jobs store's events, else the record's status). */
export interface FollowedJob {
  record: JobRecord
  stage: JobStage
  action: SentAction
}

/**
 * The editor's image and what it follows: the image open in the editor (its record, the job that made it, the
 * image it edited for before/after), its lineage tree, and the job the editor sent last (an edit, a region
 * edit, an upscale or a reply), whose progress comes from the jobs store's events. The tree is read again
 * when the library's jobs change; a text-only answer of the model (`no_image`) is kept to be replied to.
 */
export const useEditorStore = defineStore('editor', () => {
  const jobs = useJobsStore()
  const imageId = ref<string | null>(null)
  const image = shallowRef<ImageRecord | null>(null)
  /** The job that made the image (null for an input image). */
  const job = shallowRef<JobRecord | null>(null)
  /** The image this one was made from (`parentImageId` of its job): the "before" of before/after. */
  const parent = shallowRef<ImageRecord | null>(null)
  const lineage = shallowRef<Lineage | null>(null)
  const loadError = ref<string | null>(null)
  const lineageError = ref<string | null>(null)
  const sending = ref(false)
  /** The last refusal of a send (the core's typed error, before any job was recorded). */
  const sendError = ref<{ kind: ErrorKind; message: string; action: SentAction } | null>(null)
  const sent = shallowRef<{ record: JobRecord; action: SentAction } | null>(null)
  /**
   * A job that ended without an image, opened from the tree or just heard: a text-only answer of the model
   * (`no_image`: its question or refusal is the error message, and it can be replied to), or another failure.
   */
  const answer = shallowRef<JobRecord | null>(null)
  let asked = 0
  let lineageAsked = 0

  const scope = useProfileScoped(() => { reset() })
  useCoreEventsStore().onLibrary((change) => {
    if (!imageId.value) return
    const images = change.images
    if (images.all || images.updated.includes(imageId.value) || images.removed.includes(imageId.value)) void loadImage(imageId.value)
    const j = change.jobs
    if (j.all || j.added.length || j.updated.length || j.removed.length) void reloadLineage()
  })

  function reset() {
    asked++
    lineageAsked++
    imageId.value = null
    image.value = null
    job.value = null
    parent.value = null
    lineage.value = null
    loadError.value = null
    lineageError.value = null
    sending.value = false
    sendError.value = null
    sent.value = null
    answer.value = null
  }

  /** The followed job as it is now: the jobs store's events win over the record the command answered with. */
  const following = computed<FollowedJob | null>(() => {
    const s = sent.value
    if (!s) return null
    const tracked = jobs.byId[s.record.id]
    const record = tracked?.record ?? s.record
    const stage = tracked && (tracked.stages.length || tracked.record) ? tracked.stage : stageOfRecord(s.record)
    return { record, stage, action: s.action }
  })
  const running = computed(() => !!following.value && !isFinalStage(following.value.stage.kind))
  /** The image the followed job made, once it is done: the editor moves there. */
  const madeImageId = computed(() => {
    const stage = following.value?.stage
    return stage?.kind === 'done' ? stage.imageIds[0] ?? null : null
  })

  // The followed job's model answered with text only: that answer is the one to reply to.
  watch(() => following.value?.stage, (stage) => {
    const f = following.value
    if (f && stage?.kind === 'failed' && stage.error.kind === 'no_image') {
      answer.value = { ...f.record, errorKind: 'no_image', errorMessage: stage.error.message || f.record.errorMessage }
    }
  })

  async function loadImage(id: string) {
    const mine = ++asked
    const stillOpen = scope.begin()
    try {
      const record = await api.getImage(id)
      const made = record.jobId ? await api.getJob(record.jobId) : null
      const before = made?.parentImageId ? await api.getImage(made.parentImageId).catch(() => null) : null
      if (mine !== asked || !stillOpen()) return
      image.value = record
      job.value = made
      parent.value = before
      loadError.value = null
    } catch (e) {
      if (mine === asked && stillOpen()) loadError.value = errorMessage(e)
    }
  }

  async function reloadLineage() {
    const id = imageId.value
    if (!id) return
    const mine = ++lineageAsked
    const stillOpen = scope.begin()
    try {
      const tree = await api.imageLineage(id)
      if (mine === lineageAsked && stillOpen() && imageId.value === id) {
        lineage.value = tree
        lineageError.value = null
      }
    } catch (e) {
      if (mine === lineageAsked && stillOpen()) lineageError.value = errorMessage(e)
    }
  }

  /** Opens image `id` (the tree stays on screen while the new one loads when it is the same tree). */
  async function open(id: string) {
    if (imageId.value === id && image.value) return
    imageId.value = id
    loadError.value = null
    sendError.value = null
    if (image.value?.id !== id) {
      image.value = null
      parent.value = null
      job.value = null
    }
    await Promise.all([loadImage(id), reloadLineage()])
  }

  /** Runs what the person asked; the core's refusal is kept in `sendError` (and thrown for the caller's dialogs). */
  async function run(action: SentAction, overBudget = false): Promise<JobRecord> {
    const id = imageId.value
    if (!id) throw new Error('no image is open in the editor')
    const stillOpen = scope.begin()
    sending.value = true
    sendError.value = null
    try {
      let record: JobRecord
      switch (action.kind) {
        case 'edit': record = await api.editImage({ ...action.request, overBudget }); break
        case 'region': record = await api.editImageRegion({ ...action.request, overBudget }, action.maskImageId); break
        case 'upscale': record = await api.upscaleImage(id, action.size, action.model, overBudget); break
        case 'reply': record = await api.replyToJob(action.jobId, action.text, overBudget); break
      }
      if (stillOpen()) {
        sent.value = { record, action }
        if (action.kind === 'reply') answer.value = null
      }
      return record
    } catch (e) {
      if (stillOpen()) sendError.value = { kind: errorKind(e), message: errorMessage(e), action }
      throw e
    } finally {
      if (stillOpen()) sending.value = false
    }
  }

  const edit = (request: EditRequest, overBudget = false) => run({ kind: 'edit', request }, overBudget)
  /** Keeps the mask PNG as an input image, then edits the region it paints. */
  async function editRegion(request: EditRequest, maskPng: Uint8Array, overBudget = false) {
    const mask = await api.addInputImage(maskPng)
    return run({ kind: 'region', request, maskImageId: mask.id }, overBudget)
  }
  const upscale = (size: ImageSize, model: Model | null, overBudget = false) => run({ kind: 'upscale', size, model }, overBudget)
  const reply = (jobId: string, text: string, overBudget = false) => run({ kind: 'reply', jobId, text }, overBudget)

  /** The action again as a new conversation from the image (after `conversation_broken`, or a payload too large). */
  function startFresh(action: SentAction): Promise<JobRecord> {
    if (action.kind === 'edit' || action.kind === 'region') return run({ ...action, request: { ...action.request, startFresh: true } })
    return run(action)
  }

  /** Shows what a job without an image said: a text-only answer gets a reply box (its message is what the model said). */
  async function showAnswer(jobId: string) {
    const stillOpen = scope.begin()
    try {
      const record = await api.getJob(jobId)
      if (stillOpen()) answer.value = record
    } catch (e) {
      if (stillOpen()) lineageError.value = errorMessage(e)
    }
  }

  function dismiss() {
    sent.value = null
    sendError.value = null
  }

  return {
    imageId, image, job, parent, lineage, loadError, lineageError, sending, sendError, sent, answer, following, running,
    madeImageId, open, reloadLineage, edit, editRegion, upscale, reply, startFresh, showAnswer, dismiss, reset,
  }
})
