// The app's process and its real window as a person's desktop sees them: which process runs the app
// (WebKitWebDriver starts it, so its pid is found in /proc), whether it still runs, and closing its window
// the way a window manager's close button does (ICCCM WM_DELETE_WINDOW, sent with the X11 client `x11`):
// GTK turns that into the window's delete event and Tauri into CloseRequested, exactly as a click on the
// title bar's × would. (WebDriver's own "close window" destroys the web view instead, which the app never
// hears as a close.) The suite runs under its own Xvfb, without a window manager.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import x11 from 'x11'

/** The pid of the running app (the process whose executable is NANOFORGE_APP_BIN), or null. */
export function appPid() {
  const exe = realpathSync(process.env.NANOFORGE_APP_BIN)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === exe && isRunning(Number(entry))) return Number(entry)
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return null
}

/** Whether `pid` still runs (a process that exited and was not reaped yet counts as gone). */
export function isRunning(pid) {
  try {
    // The state is the first field after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** One X11 request as a promise (the client takes node-style callbacks). */
function request(X, name, ...args) {
  return new Promise((resolve, reject) => X[name](...args, (err, value) => (err ? reject(err) : resolve(value))))
}

/**
 * Asks the mapped top-level window of process `pid` to close (WM_DELETE_WINDOW), as a window manager does;
 * resolves once the X server has delivered the message. Fails when the process shows no such window.
 */
export async function closeWindowOf(pid) {
  const display = await new Promise((resolve, reject) => x11.createClient((err, d) => (err ? reject(err) : resolve(d))))
  const X = display.client
  try {
    const [wmProtocols, wmDelete, netWmPid] = await Promise.all(
      ['WM_PROTOCOLS', 'WM_DELETE_WINDOW', '_NET_WM_PID'].map((name) => request(X, 'InternAtom', false, name)))
    const { children } = await request(X, 'QueryTree', display.screen[0].root)
    for (const wid of children) {
      const attrs = await request(X, 'GetWindowAttributes', wid)
      if (attrs.mapState !== 2) continue
      const owner = await request(X, 'GetProperty', 0, wid, netWmPid, X.atoms.CARDINAL, 0, 1)
      if (owner.data.length < 4 || owner.data.readUInt32LE(0) !== pid) continue
      // A window that takes part in WM_DELETE_WINDOW (GTK's top-level windows do).
      const protocols = await request(X, 'GetProperty', 0, wid, wmProtocols, X.atoms.ATOM, 0, 32)
      const atoms = Array.from({ length: protocols.data.length / 4 }, (_, i) => protocols.data.readUInt32LE(i * 4))
      if (!atoms.includes(wmDelete)) continue
      // The empty event mask sends it to the window's own client, as ICCCM says.
      await request(X, 'SendClientMessage', wid, wid, wmProtocols, 32, [wmDelete, 0], 0)
      await X.sync()
      return wid
    }
    throw new Error(`process ${pid} has no mapped window that takes WM_DELETE_WINDOW`)
  } finally {
    X.terminate()
  }
}
