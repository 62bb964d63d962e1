// <img> URLs of library images: served by the shell by id, from the open profile only
// (`nf://localhost/<profile>/<kind>/<id>`). Empty until the core told us which profile is open.
import { computed } from 'vue'
import { api, type ImageFileKind, type ImageRecord } from '@/api'
import { useAppStore } from '@/stores/app'

export function useImageUrls() {
  const app = useAppStore()
  const profileId = computed(() => app.info?.profileId ?? null)

  function url(image: Pick<ImageRecord, 'id'>, kind: ImageFileKind): string | undefined {
    return profileId.value ? api.imageUrl(profileId.value, kind, image.id) : undefined
  }

  return {
    profileId,
    /** 256 px, for grids. */
    thumbUrl: (image: Pick<ImageRecord, 'id'>) => url(image, 'thumb'),
    /** 512 px, while the original loads. */
    previewUrl: (image: Pick<ImageRecord, 'id'>) => url(image, 'preview'),
    originalUrl: (image: Pick<ImageRecord, 'id'>) => url(image, 'original'),
  }
}
