// What the UI needs from the platform besides the core: file URLs for <img>, dialogs, the clipboard
// and notifications (opening and revealing files go through the core's commands, by image id). Kept here so stores never touch Tauri directly.
import { convertFileSrc } from '@tauri-apps/api/core'
import { save } from '@tauri-apps/plugin-dialog'
import { writeText } from '@tauri-apps/plugin-clipboard-manager'
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification'

/** Joins the library folder and a library-relative path (always `/`-separated in the database). */
export function libraryFile(libraryDir: string, relPath: string): string {
  const sep = libraryDir.includes('\\') && !libraryDir.includes('/') ? '\\' : '/'
  return `${libraryDir.replace(/[\\/]+$/, '')}${sep}${relPath.split('/').join(sep)}`
}

export const platform = {
  /** A URL an <img> can load for a file inside the library (Tauri's asset protocol, scoped to it). */
  fileUrl: (absolutePath: string): string => convertFileSrc(absolutePath),
  libraryFile,
  copyText: (text: string): Promise<void> => writeText(text),
  /** Asks where to save; null when the user cancels. */
  pickSavePath: (defaultPath: string, filters: { name: string; extensions: string[] }[]): Promise<string | null> =>
    save({ defaultPath, filters }),
  /** A desktop notification, asking for permission the first time; false when not allowed. */
  notify: async (title: string, body: string): Promise<boolean> => {
    let granted = await isPermissionGranted()
    if (!granted) granted = (await requestPermission()) === 'granted'
    if (granted) sendNotification({ title, body })
    return granted
  },
  windowFocused: (): boolean => document.hasFocus(),
}
