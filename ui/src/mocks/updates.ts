// Updates in the in-page core (browser-test build only): what the shell's updater would find and do. Steered
// by the URL (`?update`: version 0.2.0 is offered) and at run time through `window.__NANOFORGE_UPDATES__`
// (see `UpdatesControl`). Settings are the device's, kept until the page reloads.
import type { AvailableUpdate, ErrorKind, UpdateSettings } from '@/api'

export interface UpdatesControl {
  /** What the endpoint offers (null: up to date). */
  offered: AvailableUpdate | null
  /** The next check fails with this message (an unreachable endpoint). */
  checkFails: string | null
  /** The next install fails: a refused signature or a failed install, with this message. */
  installFails: { kind: ErrorKind; message: string } | null
  installed: string | null
  restarted: boolean
  settings: UpdateSettings
  calls: string[]
}

export const MOCK_UPDATE: AvailableUpdate = {
  version: '0.2.0',
  currentVersion: '0.1.0',
  notes: 'Faster gallery.\n<b>Not bold</b>: notes are text.',
  publishedAt: '2026-12-01T10:00:00Z',
}

export function createUpdates() {
  const query = new URLSearchParams(location.search)
  const control: UpdatesControl = {
    offered: query.has('update') ? { ...MOCK_UPDATE } : null,
    checkFails: null,
    installFails: null,
    installed: null,
    restarted: false,
    settings: {
      preferences: { autoCheck: true, endpoint: null, skippedVersion: null },
      builtInEndpoint: 'https://github.com/nanoforge-studio/nanoforge/releases/latest/download/latest.json',
      lastCheckError: null,
      supported: true,
    },
    calls: [],
  }
  const refuse = (kind: ErrorKind, message: string): never => { throw { kind, message } }
  let pending: AvailableUpdate | null = null

  const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {
    check_for_update: (a) => {
      const background = a.background === true
      if (background && !control.settings.preferences.autoCheck) return null
      if (control.checkFails) {
        control.settings.lastCheckError = control.checkFails
        if (background) return null
        return refuse('network', control.checkFails)
      }
      control.settings.lastCheckError = null
      const offered = control.offered
      const skipped = offered && background && control.settings.preferences.skippedVersion === offered.version
      pending = offered && !skipped ? { ...offered } : null
      return pending
    },
    install_update: (a) => {
      if (!pending) return refuse('not_found', 'no update to install: check for updates first')
      if (control.installFails) return refuse(control.installFails.kind, control.installFails.message)
      const channel = a.onProgress as { onmessage?: (m: unknown) => void } | undefined
      channel?.onmessage?.({ downloadedBytes: 512, totalBytes: 1024 })
      channel?.onmessage?.({ downloadedBytes: 1024, totalBytes: 1024 })
      control.installed = pending.version
      return null
    },
    restart_to_update: () => { control.restarted = true; return null },
    skip_update: (a) => {
      control.settings.preferences.skippedVersion = String(a.version)
      return structuredClone(control.settings)
    },
    update_settings: () => structuredClone(control.settings),
    set_update_settings: (a) => {
      const endpoint = typeof a.endpoint === 'string' && a.endpoint.trim() ? a.endpoint.trim() : null
      if (endpoint && !/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint)) {
        return refuse('invalid_input', 'the update address must start with https:// (not http://): updates are only fetched over an encrypted connection')
      }
      control.settings.preferences = { ...control.settings.preferences, autoCheck: a.autoCheck === true, endpoint }
      return structuredClone(control.settings)
    },
  }
  const counted = Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, (a: Record<string, unknown>) => {
    control.calls.push(name)
    return fn(a)
  }]))
  return { control, handlers: counted }
}
