// The real local services the "services" suite runs the window against, started as processes on
// loopback: the fake Gemini server, the S3 test server (with a pass-through gate in front that can hold
// image uploads, so a running sync can be seen), the OpenID provider, and the nanoforge CLI.
import { spawn, execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer, request as httpRequest, Agent } from 'node:http'
import { createInterface } from 'node:readline'
import { startProvider } from '../../oidc-provider/testkit.mjs'
import { byTestId, until } from './app.mjs'

export const S3_KEYS = { accessKeyId: 'nanoforge-test-key', secretAccessKey: 'nanoforge-test-secret' }

/** Spawns `bin args` and resolves with its first stdout line (the URL it serves on) and a stop(). */
async function startProcess(what, bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout })
    rl.once('line', (l) => { rl.close(); resolve(l.trim()) })
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before it served`)))
    child.once('error', reject)
  })
  if (!line.startsWith('http://127.0.0.1:')) {
    child.kill()
    throw new Error(`${what} said: ${line}`)
  }
  // Its stdout is not read any more: nothing else is written there, so the pipe never fills.
  return { url: line, stop: async () => { if (child.exitCode == null && child.signalCode == null) { child.kill(); await exited } } }
}

/** fake-gemini on the port the app was told about (GEMINI_BASE_URL), with the key `apiKey`. */
export async function startGemini(apiKey) {
  const server = await startProcess('fake-gemini', process.env.NANOFORGE_GEMINI_BIN,
    ['--port', process.env.NANOFORGE_GEMINI_PORT, '--api-key', apiKey])
  const requests = async () => (await fetch(`${server.url}/__control/requests`)).json()
  return { ...server, requests }
}

/** The S3 test server on a free port, serving buckets from `root`, with `bucket` created. */
export function startS3(root, bucket) {
  return startProcess('s3-test-server', process.env.NANOFORGE_S3_BIN, [
    '--port', '0', '--root', root, '--bucket', bucket,
    '--access-key', S3_KEYS.accessKeyId, '--secret-key', S3_KEYS.secretAccessKey,
  ])
}

/**
 * A pass-through HTTP proxy on loopback in front of `target`. Requests go on unchanged (the SigV4
 * signature covers the Host header the client sent, which is kept), answers come back unchanged.
 * While `hold()` is on, uploads of images (PUT with an image/* body) wait until `release()`: a sync
 * then stays in its upload stage for as long as the test looks at it.
 */
export async function startGate(target) {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true })
  let holding = false
  let waiters = []
  const seen = { requests: 0, held: 0, imagePuts: 0 }
  const server = createServer(async (req, res) => {
    seen.requests += 1
    const isImagePut = req.method === 'PUT' && String(req.headers['content-type'] ?? '').startsWith('image/')
    if (isImagePut) seen.imagePuts += 1
    if (isImagePut && holding) {
      seen.held += 1
      req.pause()
      await new Promise((resolve) => waiters.push(resolve))
    }
    const forward = httpRequest({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const release = () => { holding = false; const w = waiters; waiters = []; for (const go of w) go() }
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    hold: () => { holding = true },
    release,
    stop: () => new Promise((resolve) => {
      release()
      server.closeAllConnections()
      agent.destroy()
      server.close(resolve)
    }),
  }
}

/** The OpenID provider (tests/oidc-provider) on the port the app was told about (NANOFORGE_OIDC_ISSUER). */
export async function startOidc() {
  const provider = await startProvider(['--port', process.env.NANOFORGE_OIDC_PORT])
  if (provider.issuer !== process.env.NANOFORGE_OIDC_ISSUER) {
    await provider.stop()
    throw new Error(`the provider serves ${provider.issuer}, the app expects ${process.env.NANOFORGE_OIDC_ISSUER}`)
  }
  return provider
}

/** Runs the nanoforge CLI with `env` on top of this process's; resolves with stdout, rejects with stderr. */
export function runCli(args, env) {
  return new Promise((resolve, reject) => {
    execFile(process.env.NANOFORGE_CLI_BIN, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`nanoforge ${args.join(' ')} failed (${error.code ?? error.signal}): ${stderr}`))
      else resolve(stdout)
    })
  })
}

export const sha256File = (path) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Picks `value` in the <select> with test id `testId` and waits until it holds it (a select with
 * one choice is disabled: it must already hold it). */
export async function choose(browser, testId, value) {
  const el = await byTestId(browser, testId)
  await el.waitForDisplayed({ timeout: 15_000, timeoutMsg: `${testId} not displayed` })
  // The choices come from the core (providers with a key, the provider's models): wait for this one.
  await until(browser, `${testId} to offer ${value}`, () => el.$(`option[value="${value}"]`).isExisting(), 15_000)
  if ((await el.getValue()) === value) return
  await el.waitForEnabled({ timeout: 15_000, timeoutMsg: `${testId} not enabled` })
  await el.selectByAttribute('value', value)
  await until(browser, `${testId} = ${value}`, async () => (await el.getValue()) === value, 15_000)
}

/**
 * Loads each `nf://` path (`<profile>/<kind>/<id>`) as an image, the way the page builds image URLs
 * (ui/src/api/platform.ts), and resolves with 'loaded' or 'refused' for each. Each URL gets a query
 * of its own (the shell's handler reads the path only): WebKit hands an <img> a URL this document
 * already loaded from its list of available images without asking the handler again, whatever the
 * answer's Cache-Control said, so only a fresh URL asks the handler what it serves now.
 */
/** Loads each URL exactly as given (no cache-busting query): 'loaded' or 'refused'. A URL the web view cached
 * would load without asking the shell. */
export function loadExact(browser, urls) {
  return browser.executeAsync((list, done) => {
    const load = (url) => new Promise((resolve) => {
      const img = new Image()
      img.onload = () => resolve('loaded')
      img.onerror = () => resolve('refused')
      img.src = url
    })
    Promise.all(list.map(load)).then(done)
  }, urls)
}

export function loadNf(browser, paths) {
  return browser.executeAsync((list, done) => {
    const base = window.__TAURI_INTERNALS__.convertFileSrc('', 'nf')
    const fresh = `${Date.now()}-${Math.random().toString(36).slice(2)}`
    const load = (path, i) => new Promise((resolve) => {
      const img = new Image()
      img.onload = () => resolve('loaded')
      img.onerror = () => resolve('refused')
      img.src = `${base}${path}?e2e=${fresh}-${i}`
    })
    Promise.all(list.map(load)).then(done)
  }, paths)
}
