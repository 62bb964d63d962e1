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
    await expect(api.onProfileChanged(() => {})).rejects.toMatchObject({ kind: 'internal', message: 'event.listen not allowed' })
  })

  it('a plugin call the window may not make (clipboard) is a typed error, not a bare string', async () => {
    mockIPC((cmd) => { if (cmd === 'plugin:clipboard-manager|write_text') throw 'clipboard-manager.write_text not allowed'; return null })
    await expect(api.copyText('a prompt')).rejects.toMatchObject({ kind: 'internal', message: 'clipboard-manager.write_text not allowed' })
    mockIPC((cmd) => { if (cmd === 'plugin:notification|is_permission_granted') throw 'notification not allowed'; return null })
    await expect(api.notify('Done', 'a fox')).rejects.toBeInstanceOf(ApiError)
  })

  it('sends a dropped file as its bytes, never as a path', async () => {
    const seen: unknown[] = []
    mockIPC((cmd, args) => { seen.push([cmd, args]); return { id: 'in-1' } })
    await api.addInputImage(new Uint8Array([137, 80, 78, 71]))
    expect(seen).toEqual([['add_input_image', { bytes: [137, 80, 78, 71] }]])
  })

  it('sends the sync secret only as given: null keeps the stored one', async () => {
    const seen: unknown[] = []
    mockIPC((cmd, args) => { seen.push([cmd, args]); return null })
    const settings = { endpoint: 'https://a.r2.cloudflarestorage.com', bucket: 'pics', region: 'auto', prefix: '', accessKeyId: 'AK', keepOriginals: true, cacheMb: 512, autoSync: true }
    await api.testSyncConnection(settings, null)
    await api.updateSyncSettings(settings, 'typed-secret')
    expect(seen).toEqual([
      ['test_sync_connection', { settings, secretAccessKey: null }],
      ['update_sync_settings', { settings, secretAccessKey: 'typed-secret' }],
    ])
  })

  it('delivers sync-changed events until unlistened', async () => {
    mockIPC(() => null, { shouldMockEvents: true })
    const kinds: string[] = []
    const off = await api.onSyncChanged((e) => kinds.push(e.kind))
    await emit('sync-changed', { kind: 'started' })
    await emit('sync-changed', { kind: 'failed', error: { kind: 'sync_credentials', message: 'denied' } })
    off()
    await emit('sync-changed', { kind: 'started' })
    expect(kinds).toEqual(['started', 'failed'])
  })

  it('delivers profile-changed events to the handler and stops on unlisten', async () => {
    mockIPC(() => null, { shouldMockEvents: true })
    const seen: string[] = []
    const off = await api.onProfileChanged((p) => seen.push(p.id))
    await emit('profile-changed', { id: 'g-1', kind: 'google', displayName: 'A', email: null, name: null, issuer: null, emailVerified: null, current: true })
    off()
    await emit('profile-changed', { id: 'local', kind: 'local', displayName: 'L', email: null, name: null, issuer: null, emailVerified: null, current: true })
    expect(seen).toEqual(['g-1'])
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
})
