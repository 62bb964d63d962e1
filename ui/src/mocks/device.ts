// The device side of the in-page core (browser-test build only): the first-run welcome, crash reports of an
// earlier run, "Copy diagnostics", the device's own Google sign-in client, and keys checked with their
// service before they are saved. What the core keeps in the data folder (the welcome's marker, acknowledged
// crash files) is kept in localStorage here, so a reload behaves like a restart. Steered by the URL:
//   ?firstrun    the welcome was never dismissed on this device (without it, it was)
//   ?crash       the last run crashed: one report, until the dialog is closed
//   ?envclient   a sign-in client from the environment (NANOFORGE_OIDC_CLIENT_ID)
//   ?nokeychain  no keychain on this system: a client secret cannot be saved
// and at run time through `window.__NANOFORGE_DEVICE__` (see `DeviceControl`). A key with `bad` in it is
// refused by its service (nothing is saved); one with `offline` is saved "not checked yet".
import type { ApiKeyStatus, CheckedKey, CrashReport, ErrorKind, SecretPurpose, SignInClientStatus } from '@/api'

const GOOGLE = 'https://accounts.google.com'
const WELCOME_KEY = 'nanoforge.mock.welcomeDismissed'
const CRASHES_SEEN_KEY = 'nanoforge.mock.crashesSeen'
const BUILD_CLIENT = '1234-mock.apps.googleusercontent.com'
const ENV_CLIENT = '5678-env.apps.googleusercontent.com'

/** The report `?crash` seeds: a panic in a worker thread of the last run. */
export const MOCK_CRASH: CrashReport = {
  file: 'crash-1764068400000-4242.json',
  version: '0.0.0-mock',
  at: Date.UTC(2026, 10, 25, 11, 0, 0),
  thread: 'tokio-runtime-worker',
  message: 'called `Option::unwrap()` on a `None` value',
  location: 'core/src/library/thumbs.rs:212:41',
  backtrace: [
    '   0: std::backtrace_rs::backtrace::libunwind::trace',
    '   1: std::backtrace::Backtrace::force_capture',
    '   2: nanoforge_core::diagnostics::crash::report_of',
    '             at ./core/src/diagnostics/crash.rs:71:20',
    '   3: core::option::unwrap_failed',
    '   4: nanoforge_core::library::thumbs::render',
    '             at ./core/src/library/thumbs.rs:212:41',
    '   5: tokio::runtime::task::core::Core<T,S>::poll',
  ].join('\n'),
}

/** What a browser test can read and steer (`window.__NANOFORGE_DEVICE__`). */
export interface DeviceControl {
  welcomeDismissed: boolean
  /** Crash files not acknowledged yet (answered by `unseen_crashes`). */
  crashes: CrashReport[]
  /** This device's own client (Settings → Account), never its secret's value. */
  own: { clientId: string; hasSecret: boolean } | null
  /** A client id in the environment wins over this device's own. */
  envClientId: string | null
  keychain: boolean
  /** The next `test_sign_in_client`: discovery answers, or fails with this kind. */
  discovery: 'ok' | ErrorKind
  /** Device commands called, in order. */
  calls: string[]
}

function stored(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1'
  } catch {
    return false
  }
}
function store(key: string) {
  try {
    localStorage.setItem(key, '1')
  } catch {
    // The page's storage is off: the state lasts until the page reloads.
  }
}

const SERVICE: Partial<Record<SecretPurpose, { label: string; host: string }>> = {
  nanoBananaKey: { label: 'Nano Banana', host: 'api.nanobananaapi.ai' },
  geminiKey: { label: 'Gemini', host: 'generativelanguage.googleapis.com' },
}

/**
 * The device's commands. `buildClient` says whether the build has a client compiled in (the accounts
 * mock's `signInConfigured`); `setKey` saves a key in the open profile like `set_key`.
 */
export function createDevice(options: {
  buildClient: () => boolean
  setKey: (purpose: SecretPurpose, key: string) => ApiKeyStatus
  version: string
  dataDir: string
}) {
  const query = new URLSearchParams(location.search)
  const control: DeviceControl = {
    welcomeDismissed: !query.has('firstrun') || stored(WELCOME_KEY),
    crashes: query.has('crash') && !stored(CRASHES_SEEN_KEY) ? [{ ...MOCK_CRASH }] : [],
    own: null,
    envClientId: query.has('envclient') ? ENV_CLIENT : null,
    keychain: !query.has('nokeychain'),
    discovery: 'ok',
    calls: [],
  }

  /** Whether any client is known: the environment's, this device's or the build's. */
  const signInConfigured = () => control.envClientId != null || control.own != null || options.buildClient()

  function clientStatus(): SignInClientStatus {
    if (control.envClientId) return { clientId: control.envClientId, source: 'environment', hasSecret: true, issuer: GOOGLE }
    if (control.own) return { clientId: control.own.clientId, source: 'settings', hasSecret: control.own.hasSecret, issuer: GOOGLE }
    if (options.buildClient()) return { clientId: BUILD_CLIENT, source: 'build', hasSecret: true, issuer: GOOGLE }
    return { clientId: null, source: null, hasSecret: false, issuer: GOOGLE }
  }

  function report(): string {
    const lines = [
      `Nanoforge ${options.version}`,
      'OS: Debian GNU/Linux 12 (bookworm) (kernel 6.1.0-28-amd64, x86_64)',
      'Web view: WebKitGTK 2.48.3',
      `Crashes not yet seen: ${control.crashes.length}`,
      ...control.crashes.map((c) => `  ${c.version} at ${c.location ?? 'unknown'}: ${c.message} (${c.thread})`),
      'Last log lines (4):',
      `2026-11-25T11:59:58Z  INFO nanoforge_app: started version=${options.version} data_dir=${options.dataDir}`,
      '2026-11-25T11:59:58Z  INFO nanoforge_core::queue: using a key key=•••• purpose=nanobanana-api-key',
      '2026-11-25T11:59:59Z  INFO nanoforge_core::accounts: signed in as ••••@example.com',
      '2026-11-25T12:00:00Z  INFO nanoforge_core::queue: job 7 completed in 1234 ms',
    ]
    return lines.join('\n')
  }

  const refuse = (kind: ErrorKind, message: string): never => { throw { kind, message } }

  function checkKey(purpose: SecretPurpose, key: string): CheckedKey {
    const service = SERVICE[purpose]
    if (!service) return refuse('invalid_input', `the ${purpose} is not checked here`)
    const trimmed = key.trim()
    if (!trimmed) return refuse('invalid_input', 'the key is empty')
    if (trimmed.includes('bad')) {
      return refuse('api_key_rejected',
        `${service.label} rejected the API key: check your ${service.label} key in Settings (401 Unauthorized: invalid api key)`)
    }
    const offline = trimmed.includes('offline')
    const status = options.setKey(purpose, trimmed)
    return offline
      ? { status, check: 'notChecked', reason: `Can't reach ${service.host} (connection refused). Check your internet connection, then try again.` }
      : { status, check: 'accepted', reason: null }
  }

  const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {
    dismiss_welcome: () => {
      control.welcomeDismissed = true
      store(WELCOME_KEY)
      return null
    },
    unseen_crashes: () => control.crashes.map((c) => ({ ...c })),
    acknowledge_crashes: () => {
      const n = control.crashes.length
      control.crashes = []
      store(CRASHES_SEEN_KEY)
      return n
    },
    diagnostics_report: () => report(),
    open_logs_folder: () => null,
    check_and_set_key: (a) => checkKey(a.purpose as SecretPurpose, String(a.key ?? '')),
    sign_in_client: () => clientStatus(),
    set_sign_in_client: (a) => {
      const clientId = String(a.clientId ?? '').trim()
      if (!clientId || clientId.length > 512 || /\s/.test(clientId)) {
        refuse('invalid_input', 'a client id is one word of at most 512 characters (Google\'s end in .apps.googleusercontent.com)')
      }
      const secret = typeof a.clientSecret === 'string' && a.clientSecret.trim() ? a.clientSecret : null
      if (secret && !control.keychain) {
        refuse('keychain', 'the system keychain is unavailable: no keychain service is running on this system (or set NANOFORGE_OIDC_CLIENT_SECRET)')
      }
      control.own = { clientId, hasSecret: secret != null }
      return clientStatus()
    },
    clear_sign_in_client: () => {
      control.own = null
      return clientStatus()
    },
    test_sign_in_client: () => {
      const status = clientStatus()
      if (!status.clientId) refuse('sign_in_not_configured', 'sign-in is not set up in this build: set NANOFORGE_OIDC_CLIENT_ID (and NANOFORGE_OIDC_CLIENT_SECRET for a Google desktop client)')
      if (control.discovery !== 'ok') {
        refuse(control.discovery, `Can't reach accounts.google.com to sign in (${control.discovery === 'network' ? 'connection refused' : control.discovery}). Check your internet connection, then try again.`)
      }
      return status
    },
  }
  const counted = Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, (a: Record<string, unknown>) => {
    control.calls.push(name)
    return fn(a)
  }]))

  return { control, handlers: counted, signInConfigured }
}
