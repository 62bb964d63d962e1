// "Edit this" from anywhere (the viewer, a gallery tile, a History row, a job's result): the editor opens on
// the image, at its own route, so Back returns to where the person was.
import { useRouter } from 'vue-router'

export function useEditThis() {
  const router = useRouter()
  return (imageId: string) => router.push({ name: 'edit', params: { imageId } })
}
