// The gallery grid's thin records: a page of the same query, order and cursor as `listImages`, each image with
// only what a tile, the list's order and the trash view need, so 100k of them stay light in the page. Merged
// into `api` (./index.ts); the viewer reads an image's full record with `getImage`.
import {
  commands, type GridImage_Serialize, type GridPage_Serialize, type ImageQuery_Deserialize, type ImageRecord_Serialize,
} from '@/bindings'
import { call } from './call'

/** An image as the grid shows it (the core's `GridImage`). */
export type GridImage = GridImage_Serialize
export type GridPage = GridPage_Serialize

export const gridApi = {
  /** One keyset page of the gallery (or the trash) as thin records. */
  listGrid: async (query: ImageQuery_Deserialize): Promise<GridPage> => call(commands.listGrid(query)),
}

/**
 * The grid's record of an image the page holds in full (a favourite just saved, an image a change brought): the
 * same fields, its whole prompt as the caption.
 */
export function gridImageOf(record: ImageRecord_Serialize): GridImage {
  const { id, sha256, width, height, favourite, rating, deletedAt, createdAt, prompt } = record
  return { id, sha256, width, height, favourite, rating, deletedAt, createdAt, caption: prompt }
}
