// Albums and tags: the lists, making, renaming and deleting albums, putting images in and out of them,
// tagging. Merged into `api` (./index.ts); the gallery's album and tag filters are fields of `listImages`.
import { commands, type Album, type AlbumLabel, type ImageLabels, type TagCount } from '@/bindings'
import { call } from './call'

export type { Album, AlbumLabel, ImageLabels, TagCount }

export const organiseApi = {
  /** Every live album, by name, with its count of gallery images not in the trash. */
  listAlbums: async (): Promise<Album[]> => call(commands.listAlbums()),
  /** The album called `name` (trimmed), made if there is none. */
  createAlbum: async (name: string): Promise<Album> => call(commands.createAlbum(name)),
  /** A name another album has is refused (`invalid_input`). */
  renameAlbum: async (id: string, name: string): Promise<Album> => call(commands.renameAlbum(id, name)),
  /** Its images stay in the library. */
  deleteAlbum: async (id: string): Promise<void> => { await call(commands.deleteAlbum(id)) },
  /** How many were not in the album yet. */
  addToAlbum: async (id: string, imageIds: string[]): Promise<number> => call(commands.addToAlbum(id, imageIds)),
  /** How many were in the album. */
  removeFromAlbum: async (id: string, imageIds: string[]): Promise<number> => call(commands.removeFromAlbum(id, imageIds)),
  /** Every tag with its count, alphabetical. */
  listTags: async (): Promise<TagCount[]> => call(commands.listTags()),
  /** Tags are kept trimmed and in lower case; the image's labels now. */
  addTags: async (imageId: string, tags: string[]): Promise<ImageLabels> => call(commands.addTags(imageId, tags)),
  removeTags: async (imageId: string, tags: string[]): Promise<ImageLabels> => call(commands.removeTags(imageId, tags)),
  /** The albums and tags of each image, in the order given. */
  imageLabels: async (imageIds: string[]): Promise<ImageLabels[]> => call(commands.imageLabels(imageIds)),
}
