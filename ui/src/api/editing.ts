// Editing: an image's next image (its conversation continued where it can be), a painted region, an answer
// to the model's question, an upscale, the lineage tree and named references. Merged into `api` (./index.ts).
import {
  commands,
  type EditQuote,
  type EditRequest_Deserialize,
  type ImageSize,
  type JobRecord_Serialize,
  type Lineage_Serialize,
  type LineageNode_Serialize,
  type Model,
  type Reference,
} from '@/bindings'
import { call } from './call'

/** What to do to an image ("Edit this"); fields left out (or null) take the image's own provider, model, size and shape. */
export type EditRequest = EditRequest_Deserialize
/** An image's lineage tree from its root (edits, upscales, replies), with each job's cost and the total. */
export type Lineage = Lineage_Serialize
export type LineageNode = LineageNode_Serialize

export const editingApi = {
  // Editing: an image's next image (its conversation continued where it can be), a painted region, an
  // answer to the model's question, an upscale, the lineage tree and named references.
  /** Records and starts the edit; its progress arrives like any job's. `conversation_broken`: send it again with `startFresh`. */
  editImage: async (request: EditRequest): Promise<JobRecord_Serialize> => call(commands.editImage(request)),
  /** Edits only what the mask paints; the mask (a greyscale PNG of the image's size, white = change) was added with `addInputImage`. */
  editImageRegion: async (request: EditRequest, maskImageId: string): Promise<JobRecord_Serialize> =>
    call(commands.editImageRegion(request, maskImageId)),
  /** What the edit would cost and send (the replayed conversation, the payload against the inline limit); nothing is recorded. */
  editQuote: async (request: EditRequest): Promise<EditQuote> => call(commands.editQuote(request)),
  /** Answers a model's text-only turn (its question or refusal is the job's error message) in the same conversation. */
  replyToJob: async (jobId: string, text: string, overBudget = false): Promise<JobRecord_Serialize> =>
    call(commands.replyToJob(jobId, text, overBudget)),
  /** Re-renders the image at 2K or 4K as a priced child job (`model` null: the image's own if it offers the size). */
  upscaleImage: async (imageId: string, size: ImageSize, model: Model | null = null, overBudget = false): Promise<JobRecord_Serialize> =>
    call(commands.upscaleImage(imageId, size, model, overBudget)),
  imageLineage: async (imageId: string): Promise<Lineage> => call(commands.imageLineage(imageId)),
  listReferences: async (): Promise<Reference[]> => call(commands.listReferences()),
  /** Names a library image (replacing what the name meant). */
  setReference: async (name: string, imageId: string): Promise<Reference> => call(commands.setReference(name, imageId)),
  renameReference: async (id: string, name: string): Promise<Reference> => call(commands.renameReference(id, name)),
  /** Removes the reference; jobs that sent it keep their image. */
  removeReference: async (name: string): Promise<void> => { await call(commands.removeReference(name)) },
}
