// <img> URLs of library images, from the open profile only. A record that carries its hash gets the
// cacheable, content-addressed thumbnail URL (`nf://localhost/<profile>/<key>/thumb/<sha256>`: no database
// work in the shell, decoded once and kept by the web view); one known only by id gets
// `nf://localhost/<profile>/<kind>/<id>`. Empty until the core told us which profile is open.
import { computed } from 'vue'
import { api, type ImageFileKind, type ImageRecord } from '@/api'
import { useAppStore } from '@/stores/app'

/** An image as callers know it: always its id, its original's hash when they have the record. */
type ImageRef = Pick<ImageRecord, 'id'> & Partial<Pick<ImageRecord, 'sha256'>>

export function useImageUrls() {
  const app = useAppStore()
  const profileId = computed(() => app.info?.profileId ?? null)
  const key = computed(() => app.info?.imageUrlKey ?? null)

  function url(image: ImageRef, kind: ImageFileKind): string | undefined {
    if (!profileId.value) return undefined
    if (kind !== 'original' && image.sha256 && key.value) {
      return api.thumbnailUrl(profileId.value, key.value, kind, image.sha256)
    }
    return api.imageUrl(profileId.value, kind, image.id)
  }

  return {
    profileId,
    /** 256 px, for grids. */
    thumbUrl: (image: ImageRef) => url(image, 'thumb'),
    /** 512 px, while the original loads. */
    previewUrl: (image: ImageRef) => url(image, 'preview'),
    originalUrl: (image: Pick<ImageRecord, 'id'>) => url(image, 'original'),
  }
}
