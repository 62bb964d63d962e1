#!/usr/bin/env node
// A non-interactive OpenID Connect provider on 127.0.0.1 for Nanoforge's sign-in tests.
// oauth2-mock-server issues the codes (GET /authorize redirects at once), checks PKCE and signs
// the tokens; this file fronts it with what a real provider (Google) enforces and the library
// does not: a registered client, exact redirect_uri, one-shot codes, invalid_grant on PKCE
// failure, and per-flow knobs (nf_* on the authorize URL). See README.md.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import {
  OAuthError, ExtraKeys, authenticateClient, checkAuthorize, newFlow, parseKnobs, redeemCode,
  reshapeSignature, shapeIdClaims,
} from './flows.mjs';

const USAGE = 'usage: server.mjs [--port N] [--client-id ID] [--client-secret S] [--slow-ms MS] [--log]\n';
function usage(why) {
  process.stderr.write(`${why}\n${USAGE}`);
  process.exit(2);
}
let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'client-id': { type: 'string', default: 'nanoforge-test' },
      'client-secret': { type: 'string', default: 'nanoforge-test-secret' },
      // How long nf_token_error=slow holds the answer; 10 s by default (longer than a sane client
      // timeout in a test, short enough not to hang CI).
      'slow-ms': { type: 'string', default: '10000' },
      log: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}
const client = { id: opts['client-id'], secret: opts['client-secret'] };
const port = Number(opts.port);
const slowMs = Number(opts['slow-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(slowMs) || slowMs < 0 || !client.id || !client.secret) {
  usage('bad flag value');
}
const ENDPOINTS = {
  wellKnownDocument: '/.well-known/openid-configuration', authorize: '/authorize', token: '/token',
  jwks: '/jwks', userinfo: '/userinfo', revoke: '/revoke', endSession: '/endsession', introspect: '/introspect',
};
// A 1×1 PNG, so the `picture` claim points at something an image view can load.
const AVATAR = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

// `false`: the issuer never gets a trailing slash; discovery `issuer` must equal the printed URL.
const issuer = new OAuth2Issuer(false);
const service = new OAuth2Service(issuer, ENDPOINTS);
const primaryJwk = await issuer.keys.generate('RS256', { kid: `nf-${Date.now().toString(36)}` });
const extraKeys = new ExtraKeys();
await extraKeys.init();

const flows = new Map(); // authorization code -> flow
const accessTokens = new Map(); // access token -> userinfo claims
let record;
function resetRecord() {
  record = { discovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0, authorizeRequests: [], tokenRequests: [] };
}
resetRecord();

// --- library hooks: the flow was attached to `req` before the request was handed over ---

service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const { url } = redirect;
  const code = url.searchParams.get('code');
  const { query, knobs } = req.nf;
  if (knobs.deny) {
    // The user pressed "Cancel": no code at all, state echoed (RFC 6749 §4.1.2.1).
    url.searchParams.delete('code');
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('error_description', 'The user denied the request');
  } else if (code) {
    flows.set(code, newFlow(code, query, knobs));
  }
  if (knobs.wrongState) url.searchParams.set('state', `${query.get('state') ?? ''}-not-the-one-sent`);
});

service.on('beforeTokenSigning', (token, req) => {
  const { flow } = req.nf;
  // The library signs the access token first (it carries `scope`), then the ID token.
  if ('scope' in token.payload) {
    Object.assign(token.payload, { sub: flow.knobs.sub, scope: flow.scope, client_id: client.id });
    return;
  }
  shapeIdClaims(token.payload, flow, { issuer: issuer.url, clientId: client.id });
});

service.on('beforeResponse', (response, req) => {
  const { flow, rotatedKey } = req.nf;
  const body = response.body;
  body.id_token = reshapeSignature(body.id_token, flow.knobs.token, { primaryJwk, extraKeys, rotatedKey });
  body.scope = flow.scope;
  // Google returns no refresh token without access_type=offline, and Nanoforge never stores one.
  delete body.refresh_token;
  const { sub, email, emailVerified, name } = flow.knobs;
  accessTokens.set(body.access_token, { sub, email, email_verified: emailVerified, name });
  flow.revokeTokens = () => accessTokens.delete(body.access_token);
});

service.on('beforeUserinfo', (response, req) => {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const claims = m && accessTokens.get(m[1]);
  if (claims) response.body = claims;
  else Object.assign(response, { statusCode: 401, body: { error: 'invalid_token' } });
});

// --- our front layer ---

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res, err) {
  sendJson(res, err.status, { error: err.error, error_description: err.description }, err.headers);
}

async function readForm(req) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new OAuthError(413, 'invalid_request', 'request body too large');
    chunks.push(chunk);
  }
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const form = {};
  for (const [key, value] of params) {
    if (key in form) throw new OAuthError(400, 'invalid_request', `parameter ${key} repeated`);
    form[key] = value;
  }
  return form;
}

function discovery() {
  const base = issuer.url;
  return {
    issuer: base,
    authorization_endpoint: base + ENDPOINTS.authorize,
    token_endpoint: base + ENDPOINTS.token,
    userinfo_endpoint: base + ENDPOINTS.userinfo,
    jwks_uri: base + ENDPOINTS.jwks,
    revocation_endpoint: base + ENDPOINTS.revoke,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    // The library's own document says "none" and plain PKCE; this provider requires a secret and S256.
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'nonce', 'email', 'email_verified', 'name', 'picture'],
  };
}

function handleAuthorize(req, res, url) {
  record.authorize += 1;
  record.authorizeRequests.push({ at: new Date().toISOString(), query: Object.fromEntries(url.searchParams) });
  let knobs;
  try {
    knobs = parseKnobs(url.searchParams);
  } catch (err) {
    return sendError(res, err);
  }
  const bad = checkAuthorize(url.searchParams, client.id);
  if (bad?.direct) return sendError(res, bad.direct);
  if (bad?.redirect) {
    const to = new URL(url.searchParams.get('redirect_uri'));
    to.searchParams.set('error', bad.redirect[0]);
    to.searchParams.set('error_description', bad.redirect[1]);
    if (url.searchParams.has('state')) to.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(302, { Location: to.href });
    return res.end();
  }
  req.nf = { query: url.searchParams, knobs };
  return service.requestHandler(req, res);
}

async function handleToken(req, res) {
  record.token += 1;
  const entry = { at: new Date().toISOString(), fields: {}, clientSecret: 'absent', authMethod: 'none', status: 0 };
  record.tokenRequests.push(entry);
  // Log what the client sent and how it ended, whatever path answers.
  res.on('finish', () => { entry.status = res.statusCode; });
  try {
    const form = await readForm(req);
    const { client_secret: secret, ...fields } = form;
    entry.fields = fields;
    entry.clientSecret = secret !== undefined || /^Basic\s/i.test(req.headers.authorization ?? '') ? 'present' : 'absent';
    entry.authMethod = authenticateClient(req.headers, form, client);
    const flow = redeemCode(flows, form);
    switch (flow.knobs.tokenError) {
      case 'invalid_grant': throw new OAuthError(400, 'invalid_grant', 'nf_token_error=invalid_grant');
      case 'invalid_client': throw new OAuthError(401, 'invalid_client', 'nf_token_error=invalid_client');
      case 'server_error': throw new OAuthError(500, 'server_error', 'nf_token_error=server_error');
      case 'slow': await delay(slowMs); break;
      default: break;
    }
    // From this moment the JWKS publishes the new key; the token below is signed with it.
    const rotatedKey = flow.knobs.token === 'rotated_kid' ? await extraKeys.rotate() : undefined;
    req.body = form; // the stream is consumed; body-parser sees a finished request and skips it
    req.nf = { flow, rotatedKey };
    return service.requestHandler(req, res);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    entry.error = err.error;
    return sendError(res, err);
  }
}

async function route(req, res) {
  const url = new URL(req.url, issuer.url);
  const key = `${req.method} ${url.pathname}`;
  if (opts.log) process.stderr.write(`oidc-provider: ${key}\n`);
  switch (key) {
    case 'GET /__control/requests':
      return sendJson(res, 200, record);
    case 'POST /__control/reset':
      resetRecord();
      flows.clear();
      accessTokens.clear();
      extraKeys.reset();
      return sendJson(res, 200, { ok: true });
    case `GET ${ENDPOINTS.wellKnownDocument}`:
      record.discovery += 1;
      return sendJson(res, 200, discovery(), { 'Cache-Control': 'public, max-age=300' });
    case `GET ${ENDPOINTS.jwks}`:
      record.jwks += 1;
      // Google sends a max-age too; a client must still refetch once on an unknown kid.
      return sendJson(res, 200, { keys: [...issuer.keys.toJSON(), ...extraKeys.published.map((k) => k.jwk)] },
        { 'Cache-Control': 'public, max-age=300' });
    case `GET ${ENDPOINTS.authorize}`:
      return handleAuthorize(req, res, url);
    case `POST ${ENDPOINTS.token}`:
      return handleToken(req, res);
    case `GET ${ENDPOINTS.userinfo}`:
      record.userinfo += 1;
      return service.requestHandler(req, res);
    case `POST ${ENDPOINTS.revoke}`:
      return service.requestHandler(req, res);
    default:
      if (req.method === 'GET' && /^\/avatars\/[^/]+\.png$/.test(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': AVATAR.length });
        return res.end(AVATAR);
      }
      return sendJson(res, 404, { error: 'not_found' });
  }
}

const server = createServer((req, res) => {
  route(req, res).catch((err) => {
    process.stderr.write(`oidc-provider: ${err?.stack ?? err}\n`);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(err?.message ?? err) });
    else res.destroy();
  });
});

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
issuer.url = `http://127.0.0.1:${server.address().port}`;
// The harness reads this first line; nothing else goes to stdout.
process.stdout.write(`${issuer.url}\n`);

function shutdown() {
  server.close(() => process.exit(0));
  // Keep-alive connections (and a held nf_token_error=slow answer) would delay close().
  server.closeAllConnections();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
