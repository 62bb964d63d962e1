// Batches (one template on several models, priced whole before anything is recorded), and the prompt library
// and wildcard lists its templates draw from. Merged into `api` (./index.ts).
import {
  commands,
  type BatchPlan,
  type BatchRequest_Deserialize,
  type BatchStatus_Serialize,
  type BatchSummary,
  type NewPrompt_Deserialize,
  type PromptQuery_Deserialize,
  type RecordedBatch_Serialize,
  type SavedPrompt,
  type WildcardList,
} from '@/bindings'
import { call } from './call'

/** A batch as asked for: a template on several models, the mode, the CSV text, the Batch API toggle. */
export type BatchRequest = BatchRequest_Deserialize
export type BatchStatus = BatchStatus_Serialize
export type RecordedBatch = RecordedBatch_Serialize
/** A prompt to save: name, text, tags, and whether it may replace a saved one of that name. */
export type NewPrompt = NewPrompt_Deserialize
export type PromptQuery = PromptQuery_Deserialize

export const batchesApi = {
  // Batches: one template on several models, priced whole before anything is recorded
  /** Count, jobs and total at the prices in effect; nothing recorded. Refusals: `batch_too_large`, `invalid_template`, `invalid_csv`. */
  planBatch: async (request: BatchRequest): Promise<BatchPlan> => call(commands.planBatch(request)),
  /** Records the whole batch and starts it; `over_budget` unless `overBudget` (ask first). */
  startBatch: async (request: BatchRequest): Promise<RecordedBatch> => call(commands.startBatch(request)),
  batchStatus: async (id: string): Promise<BatchStatus> => call(commands.batchStatus(id)),
  recentBatches: async (limit = 20): Promise<BatchSummary[]> => call(commands.recentBatches(limit)),
  /** Queued jobs are never sent; sent ones keep their honest state. */
  cancelBatch: async (id: string): Promise<BatchStatus> => call(commands.cancelBatch(id)),

  // The prompt library and the wildcard lists templates draw from (both synced; a change arrives as a
  // library change with `prompts` set)
  /** Saved prompts by name; `search` words in the name, text or tags, `tag` one tag. */
  listPrompts: async (query: PromptQuery = {}): Promise<SavedPrompt[]> => call(commands.listPrompts(query)),
  /** A taken name (any case) is `already_exists` unless `replace`; an empty name or text is `invalid_input`. */
  savePrompt: async (prompt: NewPrompt): Promise<SavedPrompt> => call(commands.savePrompt(prompt)),
  removePrompt: async (name: string): Promise<void> => { await call(commands.removePrompt(name)) },
  listWildcards: async (): Promise<WildcardList[]> => call(commands.listWildcards()),
  /** Saves (or replaces) the list `name`, one entry per line as given. */
  setWildcard: async (name: string, entries: string[]): Promise<void> => { await call(commands.setWildcard(name, entries)) },
  removeWildcard: async (name: string): Promise<void> => { await call(commands.removeWildcard(name)) },
}
