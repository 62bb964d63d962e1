// What the UI needs from the platform besides the core: image URLs for <img>, the clipboard and
// notifications (file dialogs, opening and revealing files go through the core's commands, by image
// id: the page never names a path). Kept here so stores never touch Tauri directly.
import { convertFileSrc } from '@tauri-apps/api/core'
import { writeText } from '@tauri-apps/plugin-clipboard-manager'
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification'
import { toApiError } from './errors'

/** Which file of an image the shell serves: the original, or a thumbnail (256 px) or preview (512 px). */
export type ImageFileKind = 'original' | 'thumb' | 'preview'

/** The shell's image scheme (`src-tauri/src/image_protocol.rs`). */
const IMAGE_SCHEME = 'nf'

/**
 * The URL of one image of one profile: `nf://localhost/<profile>/<kind>/<id>` (`http://nf.localhost/...`
 * on Windows and Android). `convertFileSrc` percent-encodes its whole argument, slashes included, and the
 * shell splits the raw request path on `/`; so only the scheme's base comes from Tauri and the path is
 * built here, one encoded segment at a time.
 */
export function imageUrl(profileId: string, kind: ImageFileKind, imageId: string): string {
  const base = convertFileSrc('', IMAGE_SCHEME)
  const root = base.endsWith('/') ? base : `${base}/`
  return `${root}${encodeURIComponent(profileId)}/${kind}/${encodeURIComponent(imageId)}`
}

/** Which thumbnail file a content-addressed URL names: 256 px or 512 px. */
export type ThumbKind = 'thumb' | 'preview'

/**
 * The cacheable URL of the thumbnail or preview of an original by its hash:
 * `nf://localhost/<profile>/<key>/<kind>/<sha256>`. The shell reads the file with no database work and lets the
 * web view keep the answer; `key` changes each time a profile opens (`AppInfo.imageUrlKey`).
 */
export function thumbnailUrl(profileId: string, key: string, kind: ThumbKind, sha256: string): string {
  const base = convertFileSrc('', IMAGE_SCHEME)
  const root = base.endsWith('/') ? base : `${base}/`
  return `${root}${encodeURIComponent(profileId)}/${encodeURIComponent(key)}/${kind}/${encodeURIComponent(sha256)}`
}

/** Runs a plugin call; its plain-string rejections (a permission the window lacks) become typed `ApiError`s. */
async function plugin<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    throw toApiError(e)
  }
}

export const platform = {
  imageUrl,
  thumbnailUrl,
  copyText: (text: string): Promise<void> => plugin(() => writeText(text)),
  /** A desktop notification, asking for permission the first time; false when not allowed. */
  notify: (title: string, body: string): Promise<boolean> => plugin(async () => {
    let granted = await isPermissionGranted()
    if (!granted) granted = (await requestPermission()) === 'granted'
    if (granted) sendNotification({ title, body })
    return granted
  }),
  windowFocused: (): boolean => document.hasFocus(),
}
