// The mock image server of the browser-test build: a service worker that answers `/nf/<profile>/<kind>/<id>`
// the way the shell's `nf://` handler does (src-tauri/src/image_protocol.rs). It asks the page's mock core
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

/** What the page is asked, and answers with `true` when the open profile has that image. */
export interface ImageQuestion { type: 'nf-image'; profile: string; kind: string; id: string }

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
  const [profile, kind, id, ...rest] = path.split('/')
  if (!profile || !id || rest.length > 0 || !KINDS.includes(kind)) return notFound()
  const client = clientId ? await sw.clients.get(clientId) : undefined
  if (!client) return notFound()
  const question: ImageQuestion = { type: 'nf-image', profile: decodeURIComponent(profile), kind, id: decodeURIComponent(id) }
  if (!(await ask(client, question))) return notFound()
  return new Response(mockImageSvg(question.id), {
    headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
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
