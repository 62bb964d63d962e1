import { afterEach, describe, expect, it } from 'vitest'
// The real api layer over the real generated bindings; only Tauri's IPC underneath is replaced, which is
// why this spec (alone) reaches into @tauri-apps/api.
// eslint-disable-next-line no-restricted-imports
import { clearMocks, mockConvertFileSrc, mockIPC } from '@tauri-apps/api/mocks'
// eslint-disable-next-line no-restricted-imports
import { emit } from '@tauri-apps/api/event'
import { api, ApiError, errorKind } from '@/api'

afterEach(() => clearMocks())

describe('api errors', () => {
  it('keeps the core’s typed error: kind and message', async () => {
    mockIPC(() => { throw { kind: 'sign_in_denied', message: 'you declined to sign in (access_denied)' } })
    const e = await api.finishSignIn().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).kind).toBe('sign_in_denied')
    expect((e as ApiError).message).toBe('you declined to sign in (access_denied)')
  })

  it('turns a plain-string rejection from Tauri into an internal ApiError with that message', async () => {
    // What Tauri itself answers for bad arguments or a command the window may not call.
    mockIPC(() => { throw 'command switch_profile not allowed by ACL' })
    const e = await api.switchProfile('g-1').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).kind).toBe('internal')
    expect((e as ApiError).message).toBe('command switch_profile not allowed by ACL')
    expect(errorKind(e)).toBe('internal')
  })

  it('turns a rejection of another shape (or a thrown Error) into an internal ApiError too', async () => {
    mockIPC(() => { throw { code: 3 } })
    const odd = await api.accountsState().catch((x: unknown) => x)
    expect(odd).toBeInstanceOf(ApiError)
    expect((odd as ApiError).kind).toBe('internal')
    expect((odd as ApiError).message).toBe('{"code":3}')

    mockIPC(() => { throw new Error('the IPC bridge is gone') })
    const broken = await api.appInfo().catch((x: unknown) => x)
    expect(broken).toBeInstanceOf(ApiError)
    expect((broken as ApiError).kind).toBe('internal')
    expect((broken as ApiError).message).toBe('the IPC bridge is gone')
  })

  it('a void command resolves, and its failure is typed as well', async () => {
    mockIPC((cmd) => { if (cmd === 'cancel_sign_in') return null; throw 'unexpected' })
    await expect(api.cancelSignIn()).resolves.toBeUndefined()
    await expect(api.signOut()).rejects.toMatchObject({ kind: 'internal', message: 'unexpected' })
  })

  it('a refused event subscription is a typed error, not a bare string', async () => {
    mockIPC((cmd) => { if (cmd === 'plugin:event|listen') throw 'event.listen not allowed'; return null })
    await expect(api.onCoreChanged(() => {})).rejects.toMatchObject({ kind: 'internal', message: 'event.listen not allowed' })
  })

  it('a plugin call the window may not make (clipboard) is a typed error, not a bare string', async () => {
    mockIPC((cmd) => { if (cmd === 'plugin:clipboard-manager|write_text') throw 'clipboard-manager.write_text not allowed'; return null })
    await expect(api.copyText('a prompt')).rejects.toMatchObject({ kind: 'internal', message: 'clipboard-manager.write_text not allowed' })
    mockIPC((cmd) => { if (cmd === 'plugin:notification|is_permission_granted') throw 'notification not allowed'; return null })
    await expect(api.notify('Done', 'a fox')).rejects.toBeInstanceOf(ApiError)
  })

  it('sends a dropped file as the raw request body: a Uint8Array, never JSON numbers or a path', async () => {
    const seen: [string, unknown][] = []
    mockIPC((cmd, args) => { seen.push([cmd, args]); return { id: 'in-1' } })
    const file = new Uint8Array([137, 80, 78, 71])
    await api.addInputImage(file)
    expect(seen).toHaveLength(1)
    const [cmd, body] = seen[0]
    expect(cmd).toBe('add_input_image')
    expect(body).toBeInstanceOf(Uint8Array)
    expect([...(body as Uint8Array)]).toEqual([137, 80, 78, 71])
  })

  it('reads a dropped PNG\'s settings from its head only, sent as raw bytes of its own', async () => {
    const seen: unknown[] = []
    mockIPC((_cmd, args) => { seen.push(args); return null })
    const chunk = (type: string, n: number) => [0, 0, 0, n, ...[...type].map((c) => c.charCodeAt(0)), ...new Array(n).fill(7), 0, 0, 0, 0]
    const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', 13)]
    const file = new Uint8Array([...head, ...chunk('IDAT', 100), ...chunk('IEND', 0)])
    await api.readImageMetadata(file)
    const body = seen[0] as Uint8Array
    expect(body).toBeInstanceOf(Uint8Array)
    // The head and the start of the image data, in a buffer of its own (not a view into the whole file).
    expect(body.byteLength).toBe(head.length + 8 + 16)
    expect(body.buffer.byteLength).toBe(body.byteLength)
    expect([...body.subarray(0, head.length)]).toEqual(head)
  })

  it('a refused raw-body command is a typed error too', async () => {
    mockIPC(() => { throw { kind: 'invalid_image', message: 'that file is not an image Nanoforge can read' } })
    await expect(api.addInputImage(new Uint8Array([1, 2]))).rejects.toMatchObject({ kind: 'invalid_image' })
    mockIPC(() => { throw 'the body is not raw' })
    await expect(api.readImageMetadata(new Uint8Array([1, 2]))).rejects.toMatchObject({ kind: 'internal', message: 'the body is not raw' })
  })

  it('sends the sync secret only as given: null keeps the stored one', async () => {
    const seen: unknown[] = []
    mockIPC((cmd, args) => { seen.push([cmd, args]); return null })
    const setup = { endpoint: 'https://a.r2.cloudflarestorage.com', bucket: 'pics', region: 'auto', prefix: '', accessKeyId: 'AK', keepOriginals: true, cacheMb: 512, autoSync: true }
    await api.testSyncConnection(setup, null)
    await api.updateSyncSetup(setup, 'typed-secret')
    expect(seen).toEqual([
      ['test_sync_connection', { setup, secretAccessKey: null }],
      ['update_sync_setup', { setup, secretAccessKey: 'typed-secret' }],
    ])
  })

  it('delivers the core\'s one stream (jobs, library changes, syncs, switches) until unlistened', async () => {
    mockIPC(() => null, { shouldMockEvents: true })
    const kinds: string[] = []
    const off = await api.onCoreChanged((e) => kinds.push(e.kind))
    const ids = { added: ['img-1'], updated: [], removed: [], all: false }
    await emit('core-changed', { kind: 'job', event: { profileId: 'local', jobId: 'j', at: 1, stage: { kind: 'queued' } } })
    await emit('core-changed', {
      kind: 'library', change: { profileId: 'local', images: ids, jobs: { ...ids, added: [] }, stats: true, preferences: false, sync: false },
    })
    await emit('core-changed', { kind: 'sync', profileId: 'local', event: { kind: 'failed', error: { kind: 'sync_credentials', message: 'denied' } } })
    await emit('core-changed', {
      kind: 'profile',
      profile: { id: 'g-1', kind: 'google', displayName: 'A', email: null, name: null, issuer: null, emailVerified: null, current: true },
    })
    off()
    await emit('core-changed', { kind: 'sync', profileId: 'local', event: { kind: 'started' } })
    expect(kinds).toEqual(['job', 'library', 'sync', 'profile'])
  })
})

describe('image URLs', () => {
  it('are nf://localhost/<profile>/<kind>/<id> with real slashes (convertFileSrc would encode them)', () => {
    mockConvertFileSrc('linux')
    expect(api.imageUrl('local', 'thumb', 'img-1')).toBe('nf://localhost/local/thumb/img-1')
    expect(api.imageUrl('g-abc', 'original', '0192-ab')).toBe('nf://localhost/g-abc/original/0192-ab')
  })

  it('use http://nf.localhost on Windows, and encode each segment', () => {
    mockConvertFileSrc('windows')
    expect(api.imageUrl('local', 'preview', 'img-1')).toBe('http://nf.localhost/local/preview/img-1')
    expect(api.imageUrl('local', 'thumb', 'a/b?c')).toBe('http://nf.localhost/local/thumb/a%2Fb%3Fc')
  })

  it('name cacheable thumbnails by profile, opening key and hash', () => {
    mockConvertFileSrc('linux')
    const sha = 'ab'.repeat(32)
    expect(api.thumbnailUrl('g-abc', 'k1', 'thumb', sha)).toBe(`nf://localhost/g-abc/k1/thumb/${sha}`)
    mockConvertFileSrc('windows')
    expect(api.thumbnailUrl('local', 'k/2', 'preview', sha)).toBe(`http://nf.localhost/local/k%2F2/preview/${sha}`)
  })
})
