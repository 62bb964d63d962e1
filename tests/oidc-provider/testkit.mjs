// Helpers for JS tests that use the provider: start it as a process, play the browser, and a
// minimal relying party (PKCE, loopback receiver, token exchange, ID token checks with node:crypto)
// that behaves like the Rust client is meant to. Builtins only.
import { spawn } from 'node:child_process';
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
export const CLIENT = { id: 'nanoforge-test', secret: 'nanoforge-test-secret' };

/** Starts server.mjs and resolves with its issuer (the first stdout line), or rejects on exit
 *  or after `timeoutMs`. */
export async function startProvider(args = [], { timeoutMs = 20000 } = {}) {
  const child = spawn(process.execPath, [SERVER, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
  let timer;
  const firstLine = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => { lines.close(); resolve(line.trim()); });
    child.once('exit', (code, signal) => reject(new Error(`provider exited (${code ?? signal}) before printing its issuer:\n${stderr}`)));
    timer = setTimeout(() => reject(new Error(`provider printed nothing within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
  }).finally(() => clearTimeout(timer));
  try {
    const issuer = await firstLine;
    const exited = once(child, 'exit');
    return {
      issuer,
      child,
      stderr: () => stderr,
      async stop() {
        child.kill('SIGTERM');
        const [code, signal] = await exited;
        return { code, signal };
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

export async function getJson(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The app's loopback receiver: 127.0.0.1:0, exact path, answers once per callback. */
export async function startLoopback() {
  const waiting = [];
  const arrived = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Signed in. You can close this tab.');
    const next = waiting.shift();
    if (next) next(url.searchParams); else arrived.push(url.searchParams);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    redirectUri: `http://127.0.0.1:${server.address().port}/callback`,
    nextCallback: () => (arrived.length ? Promise.resolve(arrived.shift()) : new Promise((r) => waiting.push(r))),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

export function authorizeUrl(config, { redirectUri, state, nonce, challenge, knobs = {}, clientId = CLIENT.id }) {
  const url = new URL(config.authorization_endpoint);
  const params = {
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid email profile',
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256', ...knobs,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** The test browser: GET the authorize URL without following, then deliver the redirect to the
 *  loopback receiver. Returns the provider's answer when it does not redirect. */
export async function playBrowser(url) {
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status !== 302) return { status: res.status, body: await res.json() };
  const location = res.headers.get('location');
  const delivered = await fetch(location);
  await delivered.arrayBuffer();
  return { status: 302, location };
}

export async function exchangeCode(config, fields, { basic, signal } = {}) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic) headers.Authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
  const body = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined));
  return getJson(config.token_endpoint, { method: 'POST', headers, body, signal });
}

export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s ?? '', 'base64url'),
  };
}

/** Every way `token` fails the checks of signin.md §3, as a list (empty = valid). Accepts only
 *  RS256 and only keys from `jwks`. */
export function idTokenProblems(token, { jwks, issuer, clientId = CLIENT.id, nonce, leewaySec = 60, now = Date.now() / 1000 }) {
  const problems = [];
  const { header, payload, signingInput, signature } = decodeJwt(token);
  if (header.alg !== 'RS256') problems.push('alg');
  else {
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) problems.push('kid');
    else if (!verify('sha256', Buffer.from(signingInput), createPublicKey({ key: jwk, format: 'jwk' }), signature)) problems.push('signature');
  }
  if (payload.iss !== issuer) problems.push('iss');
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(clientId)) problems.push('aud');
  if (payload.azp !== undefined && payload.azp !== clientId) problems.push('azp');
  if (!(typeof payload.exp === 'number' && payload.exp + leewaySec > now)) problems.push('exp');
  if (!(typeof payload.iat === 'number' && payload.iat - leewaySec <= now)) problems.push('iat');
  if (payload.nonce !== nonce) problems.push('nonce');
  return problems;
}

/** True when `token` is an HS256 MAC keyed with the PEM text of the RSA key `jwk`. */
export function isHmacWithPublicKey(token, jwk) {
  const { signingInput, signature } = decodeJwt(token);
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return createHmac('sha256', pem).update(signingInput).digest().equals(signature);
}

/** One whole sign-in as the Rust client does it. `cache.jwks` persists between calls; on an
 *  unknown kid the JWKS is fetched again once. Stops at the first step that fails. */
export async function signIn(issuer, { knobs, cache = {}, leewaySec = 60, client = CLIENT } = {}) {
  const config = (await getJson(`${issuer}/.well-known/openid-configuration`)).body;
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const loopback = await startLoopback();
  try {
    const url = authorizeUrl(config, { redirectUri: loopback.redirectUri, state, nonce, challenge, knobs, clientId: client.id });
    const browser = await playBrowser(url);
    if (browser.status !== 302) return { config, browser, outcome: 'authorize_refused', error: browser.body.error };
    // playBrowser waited for the receiver's answer, so the callback is already there.
    const callback = await loopback.nextCallback();
    const result = { config, state, nonce, callback, browser, jwksFetches: 0 };
    if (callback.get('state') !== state) return { ...result, outcome: 'state_mismatch' };
    if (callback.has('error')) return { ...result, outcome: 'denied', error: callback.get('error') };
    const token = await exchangeCode(config, {
      grant_type: 'authorization_code', code: callback.get('code'), redirect_uri: loopback.redirectUri,
      code_verifier: verifier, client_id: client.id, client_secret: client.secret,
    });
    result.token = token;
    if (token.status !== 200) return { ...result, outcome: 'token_error', error: token.body.error };
    const fetchJwks = async () => { result.jwksFetches += 1; cache.jwks = (await getJson(config.jwks_uri)).body; };
    if (!cache.jwks) await fetchJwks();
    const check = () => idTokenProblems(token.body.id_token, { jwks: cache.jwks, issuer, clientId: client.id, nonce, leewaySec });
    let problems = check();
    if (problems.includes('kid')) { await fetchJwks(); problems = check(); }
    const { header, payload } = decodeJwt(token.body.id_token);
    return { ...result, outcome: problems.length ? 'invalid_token' : 'ok', problems, header, claims: payload };
  } finally {
    await loopback.close();
  }
}
