// Per-flow state and the checks oauth2-mock-server leaves out. The library issues codes, checks
// PKCE and signs tokens; it does not know clients, never remembers a redirect_uri, accepts a code
// twice and answers a PKCE mismatch with invalid_request. Those RFC 6749/7636 rules live here so
// the token endpoint fails the way Google's does (invalid_client / invalid_grant).
import { createHash, createHmac, createPublicKey, generateKeyPair, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export const TOKEN_CASES = new Set([
  'expired', 'exp_in_leeway', 'future_iat', 'wrong_iss', 'wrong_aud', 'wrong_azp', 'no_nonce',
  'wrong_nonce', 'bad_signature', 'unknown_kid', 'rotated_kid', 'alg_none', 'hs256', 'google_iss_short',
]);
export const TOKEN_ERRORS = new Set(['invalid_grant', 'invalid_client', 'server_error', 'slow']);
const KNOWN_KNOBS = new Set([
  'nf_sub', 'nf_email', 'nf_name', 'nf_email_verified', 'nf_deny', 'nf_state', 'nf_token', 'nf_token_error',
]);
// Long enough for a slow test machine, short like real providers (Google: a few minutes).
const CODE_TTL_MS = 10 * 60 * 1000;
export const ID_TOKEN_TTL_S = 3600;

export class OAuthError extends Error {
  constructor(status, error, description, headers = {}) {
    super(description);
    Object.assign(this, { status, error, description, headers });
  }
}

/** Reads the nf_* knobs. Unknown knobs and values are refused so a typo in a test fails loudly
 *  instead of silently running the happy path. */
export function parseKnobs(query) {
  for (const key of query.keys()) {
    if (key.startsWith('nf_') && !KNOWN_KNOBS.has(key)) throw new OAuthError(400, 'invalid_request', `unknown knob ${key}`);
  }
  const one = (key, allowed) => {
    const value = query.get(key);
    if (value === null) return undefined;
    if (value === '' || (allowed && !allowed.has(value))) throw new OAuthError(400, 'invalid_request', `bad value for ${key}: "${value}"`);
    return value;
  };
  const sub = one('nf_sub') ?? 'alice';
  return {
    sub,
    email: one('nf_email') ?? `${sub}@example.test`,
    name: one('nf_name') ?? sub.charAt(0).toUpperCase() + sub.slice(1),
    emailVerified: one('nf_email_verified', new Set(['true', 'false'])) !== 'false',
    deny: one('nf_deny', new Set(['1', 'true'])) !== undefined,
    wrongState: one('nf_state', new Set(['wrong'])) !== undefined,
    token: one('nf_token', TOKEN_CASES),
    tokenError: one('nf_token_error', TOKEN_ERRORS),
  };
}

/** RFC 8252 §7.3: any port on a loopback IP literal. The path is fixed to /callback and
 *  `localhost` is refused: the client must use the literal (signin.md §8.6). */
export function isLoopbackCallback(value) {
  let url;
  try { url = new URL(value); } catch { return false; }
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]')
    && url.pathname === '/callback' && url.username === '' && url.password === '' && url.hash === '';
}

/** Checks an authorize request before the library sees it. Returns an error to send without a
 *  redirect (unknown client / bad redirect_uri, RFC 6749 §4.1.2.1) or one to send to the
 *  redirect_uri, or null. */
export function checkAuthorize(query, clientId) {
  const client = query.get('client_id');
  if (client !== clientId) return { direct: new OAuthError(401, 'invalid_client', `unknown client_id "${client ?? ''}"`) };
  const redirectUri = query.get('redirect_uri');
  // Google's name for this error; no redirect, the browser shows it.
  if (!redirectUri || !isLoopbackCallback(redirectUri)) return { direct: new OAuthError(400, 'redirect_uri_mismatch', `redirect_uri must be http://127.0.0.1:<port>/callback, got "${redirectUri ?? ''}"`) };
  if (query.get('response_type') !== 'code') return { redirect: ['unsupported_response_type', 'only response_type=code is supported'] };
  if (!(query.get('scope') ?? '').split(' ').includes('openid')) return { redirect: ['invalid_scope', 'scope must include openid'] };
  // Our client always sends S256; refusing plain or a missing challenge catches a regression.
  if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') {
    return { redirect: ['invalid_request', 'code_challenge with code_challenge_method=S256 is required'] };
  }
  return null;
}

export function newFlow(code, query, knobs) {
  return {
    code,
    createdAt: Date.now(),
    used: false,
    redirectUri: query.get('redirect_uri'),
    codeChallenge: query.get('code_challenge'),
    nonce: query.get('nonce') ?? undefined,
    scope: query.get('scope'),
    knobs,
    accessToken: undefined,
  };
}

function sameSecret(a, b) {
  // Hash first so lengths match; constant time so the fake never teaches a timing-leaky habit.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function formDecode(s) {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** client_secret_basic or client_secret_post (RFC 6749 §2.3.1). Returns the method used. */
export function authenticateClient(headers, form, client) {
  const fail = (why) => new OAuthError(401, 'invalid_client', why, { 'WWW-Authenticate': 'Basic realm="nanoforge-test"' });
  const auth = headers.authorization;
  let id = form.client_id;
  let secret = form.client_secret;
  let method = 'client_secret_post';
  if (auth !== undefined) {
    const m = /^Basic\s+(.+)$/i.exec(auth);
    if (!m) throw fail('unsupported Authorization scheme');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw fail('malformed Basic credentials');
    if (secret !== undefined) throw new OAuthError(400, 'invalid_request', 'more than one client authentication method');
    const basicId = formDecode(decoded.slice(0, colon));
    if (id !== undefined && id !== basicId) throw fail('client_id in the body differs from Basic credentials');
    [id, secret, method] = [basicId, formDecode(decoded.slice(colon + 1)), 'client_secret_basic'];
  }
  if (id === undefined) throw fail('client_id is missing');
  if (id !== client.id) throw fail(`unknown client_id "${id}"`);
  if (secret === undefined) throw fail('client_secret is missing');
  if (!sameSecret(secret, client.secret)) throw fail('wrong client_secret');
  return method;
}

/** The grant checks: code known, unused, fresh; redirect_uri identical; PKCE S256. The code is
 *  spent on the first presentation even if a later check fails, as RFC 6749 §4.1.2 asks. */
export function redeemCode(flows, form) {
  if (form.grant_type !== 'authorization_code') throw new OAuthError(400, 'unsupported_grant_type', `grant_type "${form.grant_type ?? ''}" is not supported`);
  if (!form.code) throw new OAuthError(400, 'invalid_request', 'code is missing');
  const flow = flows.get(form.code);
  if (!flow) throw new OAuthError(400, 'invalid_grant', 'unknown authorization code');
  if (flow.used) {
    // RFC 6749 §4.1.2: tokens issued from a replayed code should be revoked.
    flow.revokeTokens?.();
    throw new OAuthError(400, 'invalid_grant', 'authorization code already used');
  }
  flow.used = true;
  if (Date.now() - flow.createdAt > CODE_TTL_MS) throw new OAuthError(400, 'invalid_grant', 'authorization code expired');
  if (form.redirect_uri === undefined) throw new OAuthError(400, 'invalid_request', 'redirect_uri is missing');
  if (form.redirect_uri !== flow.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
  if (!form.code_verifier) throw new OAuthError(400, 'invalid_grant', 'code_verifier is missing');
  const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(form.code_verifier) || challenge !== flow.codeChallenge) {
    throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match code_challenge');
  }
  return flow;
}

/** Sets the ID token claims for this flow, Google-shaped, then breaks them in at most one way. */
export function shapeIdClaims(payload, flow, { issuer, clientId }) {
  const now = Math.floor(Date.now() / 1000);
  const k = flow.knobs;
  for (const key of Object.keys(payload)) delete payload[key];
  Object.assign(payload, {
    iss: issuer, azp: clientId, aud: clientId, sub: k.sub, email: k.email, email_verified: k.emailVerified,
    name: k.name, picture: `${issuer}/avatars/${encodeURIComponent(k.sub)}.png`,
    iat: now, exp: now + ID_TOKEN_TTL_S,
  });
  if (flow.nonce !== undefined) payload.nonce = flow.nonce;
  switch (k.token) {
    case 'expired': Object.assign(payload, { iat: now - 2 * 3600, exp: now - 3600 }); break;
    case 'exp_in_leeway': Object.assign(payload, { iat: now - ID_TOKEN_TTL_S - 30, exp: now - 30 }); break;
    case 'future_iat': Object.assign(payload, { iat: now + 3600, exp: now + 3600 + ID_TOKEN_TTL_S }); break;
    case 'wrong_iss': payload.iss = 'http://wrong-issuer.example.test'; break;
    case 'google_iss_short': payload.iss = 'accounts.google.com'; break;
    case 'wrong_aud': payload.aud = 'some-other-client'; break;
    case 'wrong_azp': payload.azp = 'some-other-client'; break;
    case 'no_nonce': delete payload.nonce; break;
    case 'wrong_nonce': payload.nonce = `${flow.nonce ?? ''}-not-the-one-sent`; break;
    default: break;
  }
  return payload;
}

const b64json = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

/** Keys the library's single-key store cannot model: one never published, and keys published
 *  from the moment a rotated_kid token is issued. */
export class ExtraKeys {
  constructor() {
    this.published = [];
    this.unpublished = null;
  }

  static async newKey(prefix) {
    const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const kid = `${prefix}-${randomBytes(6).toString('hex')}`;
    return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
  }

  async init() {
    this.unpublished = await ExtraKeys.newKey('unpublished');
  }

  /** A new key, added to the JWKS before the token that uses it is returned. */
  async rotate() {
    const key = await ExtraKeys.newKey(`rotated${this.published.length + 1}`);
    this.published.push(key);
    return key;
  }

  reset() {
    this.published = [];
  }
}

function signRs256(header, payloadB64, key) {
  const head = b64json({ ...header, alg: 'RS256', kid: key.kid });
  const sig = sign('sha256', Buffer.from(`${head}.${payloadB64}`), key.privateKey);
  return `${head}.${payloadB64}.${sig.toString('base64url')}`;
}

/** Applies the signature-level token cases to an ID token the library signed normally.
 *  `rotatedKey` was made (and published) by the caller, since hooks run synchronously. */
export function reshapeSignature(idToken, tokenCase, { primaryJwk, extraKeys, rotatedKey }) {
  const [headB64, payloadB64, sigB64] = idToken.split('.');
  const header = JSON.parse(Buffer.from(headB64, 'base64url').toString('utf8'));
  switch (tokenCase) {
    case 'bad_signature': {
      const sig = Buffer.from(sigB64, 'base64url');
      // Flip a whole byte in the middle: editing the last base64 character can leave the
      // decoded bytes unchanged.
      sig[sig.length >> 1] ^= 0xff;
      return `${headB64}.${payloadB64}.${sig.toString('base64url')}`;
    }
    case 'unknown_kid': return signRs256(header, payloadB64, extraKeys.unpublished);
    case 'rotated_kid': return signRs256(header, payloadB64, rotatedKey);
    case 'alg_none': return `${b64json({ alg: 'none', typ: 'JWT' })}.${payloadB64}.`;
    case 'hs256': {
      // The classic key-confusion attack: the published RSA key (SPKI PEM text) as HMAC secret.
      const { d, p, q, dp, dq, qi, ...pub } = primaryJwk;
      const pem = createPublicKey({ key: pub, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const head = b64json({ alg: 'HS256', typ: 'JWT', kid: header.kid });
      const mac = createHmac('sha256', pem).update(`${head}.${payloadB64}`).digest('base64url');
      return `${head}.${payloadB64}.${mac}`;
    }
    default: return idToken;
  }
}
