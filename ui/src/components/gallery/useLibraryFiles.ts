// Library-relative paths of image records → absolute paths and <img> URLs (Tauri's asset protocol,
// scoped to the library folder). Empty until the core told us where the library is.
import { computed } from 'vue'
import { api, type ImageRecord } from '@/api'
import { useAppStore } from '@/stores/app'

export function useLibraryFiles() {
  const app = useAppStore()
  const libraryDir = computed(() => app.info?.libraryDir ?? null)

  function absolute(relPath: string): string | null {
    return libraryDir.value ? api.libraryFile(libraryDir.value, relPath) : null
  }

  function url(relPath: string | null | undefined): string | undefined {
    if (!relPath) return undefined
    const abs = absolute(relPath)
    return abs ? api.fileUrl(abs) : undefined
  }

  return {
    libraryDir,
    absolute,
    thumbUrl: (image: ImageRecord) => url(image.thumbPath ?? image.path),
    previewUrl: (image: ImageRecord) => url(image.previewPath ?? image.thumbPath ?? image.path),
    originalUrl: (image: ImageRecord) => url(image.path),
  }
}
