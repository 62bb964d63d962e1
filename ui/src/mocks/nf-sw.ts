// The mock image server of the browser-test build: a service worker that answers `/nf/<profile>/<kind>/<id>`
// and `/nf/<profile>/<key>/<kind>/<sha256>` (cacheable thumbnails) the way the shell's `nf://` handler does (src-tauri/src/image_protocol.rs). It asks the page's mock core
// whether the image is in the open profile's library; another profile's image, an unknown id or a bad path
// gets a 404. Built to /nf-sw.js only for the test build (vite.config.ts).
import { mockImageSvg } from './images'

// The DOM and WebWorker libs cannot share one program, so the few worker types used are spelled out.
interface WorkerClient { postMessage(message: unknown, transfer: Transferable[]): void }
interface ExtendableEvent extends Event { waitUntil(p: Promise<unknown>): void }
interface FetchEvent extends Event { request: Request; clientId: string; respondWith(r: Promise<Response>): void }
interface MessageEvent extends ExtendableEvent { data: unknown }
interface Worker {
  clients: { get(id: string): Promise<WorkerClient | undefined>; claim(): Promise<void> }
  skipWaiting(): Promise<void>
  location: Location
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void
}
const sw = self as unknown as Worker

/**
 * What the page is asked, and answers with `true` when the open profile has that image: by id, or (with the
 * opening's `key`) by its original's hash in `id`.
 */
export interface ImageQuestion { type: 'nf-image'; profile: string; kind: string; id: string; key?: string }

const KINDS = ['original', 'thumb', 'preview']

sw.addEventListener('install', (e) => e.waitUntil(sw.skipWaiting()))
// Take over the page that registered us at once, so its first images already come from here.
sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()))
// A page that loaded while we were activating missed that claim and asks for it.
sw.addEventListener('message', (e) => {
  if ((e.data as { type?: string } | null)?.type === 'claim') e.waitUntil(sw.clients.claim())
})
sw.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url)
  if (url.origin !== sw.location.origin || !url.pathname.startsWith('/nf/')) return
  e.respondWith(serve(e.clientId, url.pathname.slice('/nf/'.length)))
})

async function serve(clientId: string, path: string): Promise<Response> {
  const parts = path.split('/').map(decodeURIComponent)
  const question: ImageQuestion | null = parts.length === 3 && KINDS.includes(parts[1])
    ? { type: 'nf-image', profile: parts[0], kind: parts[1], id: parts[2] }
    : parts.length === 4 && parts[2] !== 'original' && KINDS.includes(parts[2])
      ? { type: 'nf-image', profile: parts[0], key: parts[1], kind: parts[2], id: parts[3] }
      : null
  if (!question || !question.profile || !question.id) return notFound()
  const client = clientId ? await sw.clients.get(clientId) : undefined
  if (!client) return notFound()
  if (!(await ask(client, question))) return notFound()
  const cache = question.key === undefined ? 'no-store' : 'private, max-age=31536000, immutable'
  return new Response(mockImageSvg(question.id), {
    headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' },
  })
}

function ask(client: WorkerClient, question: ImageQuestion): Promise<boolean> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    const timer = setTimeout(() => resolve(false), 3000)
    channel.port1.onmessage = (m) => { clearTimeout(timer); resolve(m.data === true) }
    client.postMessage(question, [channel.port2])
  })
}

function notFound(): Response {
  return new Response(null, { status: 404 })
}
