// Self-test of the provider as a process: `node --test tests/oidc-provider/selftest.mjs`.
// Each test plays the browser and a minimal client (testkit.mjs) against one running provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLIENT, authorizeUrl, decodeJwt, exchangeCode, getJson, idTokenProblems, isHmacWithPublicKey,
  pkcePair, signIn, startProvider,
} from './testkit.mjs';

// Short, so the `slow` knob can be observed without holding the suite 10 s.
const SLOW_MS = 1500;
let provider;
let issuer;
let config;

before(async () => {
  provider = await startProvider(['--slow-ms', String(SLOW_MS)]);
  issuer = provider.issuer;
  config = (await getJson(`${issuer}/.well-known/openid-configuration`)).body;
});

after(async () => {
  if (provider && provider.child.exitCode === null) await provider.stop();
});

const reset = () => fetch(`${issuer}/__control/reset`, { method: 'POST' }).then((r) => r.json());
const requests = () => getJson(`${issuer}/__control/requests`).then((r) => r.body);

/** An authorization code for a redirect_uri nobody listens on: for token-endpoint tests the
 *  browser step only needs the Location header. */
async function getCode(knobs = {}) {
  const { verifier, challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:9/callback';
  const res = await fetch(authorizeUrl(config, { redirectUri, state: 's', nonce: 'n', challenge, knobs }), { redirect: 'manual' });
  assert.equal(res.status, 302);
  const code = new URL(res.headers.get('location')).searchParams.get('code');
  assert.ok(code);
  const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: CLIENT.id, client_secret: CLIENT.secret };
  return { code, verifier, redirectUri, form };
}

test('discovery: the issuer is the printed URL, loopback only, endpoints under it', async () => {
  assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(config.issuer, issuer);
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
    assert.ok(config[key].startsWith(`${issuer}/`), key);
  }
  assert.deepEqual(config.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(config.id_token_signing_alg_values_supported, ['RS256']);
});

test('full flow: PKCE, loopback redirect, RS256 ID token verified with the JWKS', async () => {
  await reset();
  const r = await signIn(issuer);
  assert.equal(r.outcome, 'ok', JSON.stringify(r.problems ?? r.error));
  assert.equal(r.header.alg, 'RS256');
  const { claims } = r;
  assert.equal(claims.iss, issuer);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.aud, CLIENT.id);
  assert.equal(claims.azp, CLIENT.id);
  assert.equal(claims.nonce, r.nonce);
  assert.equal(claims.email, 'alice@example.test');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, 'Alice');
  assert.equal(claims.exp - claims.iat, 3600);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 60);
  const picture = await fetch(claims.picture);
  assert.equal(picture.headers.get('content-type'), 'image/png');
  assert.equal((await picture.arrayBuffer()).byteLength > 0, true);
  // The access token is good for userinfo, which agrees with the ID token.
  const info = await getJson(config.userinfo_endpoint, { headers: { Authorization: `Bearer ${r.token.body.access_token}` } });
  assert.equal(info.status, 200);
  assert.equal(info.body.sub, 'alice');
  assert.equal(r.token.body.refresh_token, undefined);

  const log = await requests();
  assert.deepEqual([log.discovery, log.authorize, log.token, log.jwks], [1, 1, 1, 1]);
  const [sent] = log.tokenRequests;
  assert.equal(sent.clientSecret, 'present');
  assert.equal(sent.authMethod, 'client_secret_post');
  assert.equal(sent.status, 200);
  assert.deepEqual(Object.keys(sent.fields).sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  assert.ok(!JSON.stringify(log).includes(CLIENT.secret), 'the secret is never echoed');
  assert.equal(log.authorizeRequests[0].query.code_challenge_method, 'S256');
});

test('identity knobs: nf_sub, nf_email, nf_name, nf_email_verified', async () => {
  const r = await signIn(issuer, { knobs: { nf_sub: 'bob-42', nf_name: 'Bob Q', nf_email_verified: 'false' } });
  assert.equal(r.outcome, 'ok');
  assert.deepEqual([r.claims.sub, r.claims.email, r.claims.name, r.claims.email_verified], ['bob-42', 'bob-42@example.test', 'Bob Q', false]);
  const other = await signIn(issuer, { knobs: { nf_sub: 'bob-42', nf_email: 'new@example.test' } });
  assert.deepEqual([other.claims.sub, other.claims.email], ['bob-42', 'new@example.test']);
});

test('nf_deny=1: access_denied with the state and no code', async () => {
  const r = await signIn(issuer, { knobs: { nf_deny: '1' } });
  assert.equal(r.outcome, 'denied');
  assert.equal(r.error, 'access_denied');
  assert.equal(r.callback.get('state'), r.state);
  assert.equal(r.callback.has('code'), false);
});

test('nf_state=wrong: the redirect carries another state', async () => {
  const r = await signIn(issuer, { knobs: { nf_state: 'wrong' } });
  assert.equal(r.outcome, 'state_mismatch');
  assert.notEqual(r.callback.get('state'), r.state);
  assert.ok(r.callback.get('code'));
});

// What a client with a 60 s leeway must see for each nf_token case: exactly these problems.
const TOKEN_CASES = {
  expired: ['exp'],
  exp_in_leeway: [],
  future_iat: ['iat'],
  wrong_iss: ['iss'],
  google_iss_short: ['iss'],
  wrong_aud: ['aud'],
  wrong_azp: ['azp'],
  no_nonce: ['nonce'],
  wrong_nonce: ['nonce'],
  bad_signature: ['signature'],
  unknown_kid: ['kid'],
  rotated_kid: [],
  alg_none: ['alg'],
  hs256: ['alg'],
};

for (const [tokenCase, expected] of Object.entries(TOKEN_CASES)) {
  test(`nf_token=${tokenCase} breaks the ID token in exactly ${expected.length ? expected.join(', ') : 'no way a 60 s-leeway client sees'}`, async () => {
    const cache = { jwks: (await getJson(config.jwks_uri)).body }; // a client that already knows the keys
    const r = await signIn(issuer, { knobs: { nf_token: tokenCase }, cache });
    assert.equal(r.token.status, 200);
    assert.deepEqual(r.problems, expected);
    if (tokenCase === 'google_iss_short') assert.equal(r.claims.iss, 'accounts.google.com');
    if (tokenCase === 'exp_in_leeway') {
      assert.deepEqual(idTokenProblems(r.token.body.id_token, { jwks: cache.jwks, issuer, nonce: r.nonce, leewaySec: 0 }), ['exp']);
    }
    if (tokenCase === 'unknown_kid') assert.equal(r.jwksFetches, 1, 'one refetch, still unknown');
    if (tokenCase === 'hs256') {
      const primary = cache.jwks.keys.find((k) => k.kid === r.header.kid);
      assert.ok(isHmacWithPublicKey(r.token.body.id_token, primary), 'MAC keyed with the published RSA key');
    }
  });
}

test('nf_token=rotated_kid: a new key, published only from that token on', async () => {
  const before = (await getJson(config.jwks_uri)).body;
  const cache = { jwks: before };
  const r = await signIn(issuer, { knobs: { nf_token: 'rotated_kid' }, cache });
  assert.equal(r.outcome, 'ok');
  assert.equal(r.jwksFetches, 1, 'accepted after exactly one refetch');
  assert.ok(!before.keys.some((k) => k.kid === r.header.kid));
  assert.ok(cache.jwks.keys.some((k) => k.kid === r.header.kid));
  // Later ordinary tokens keep the original key, which stays published.
  const plain = await signIn(issuer, { cache });
  assert.equal(plain.outcome, 'ok');
  assert.ok(before.keys.some((k) => k.kid === plain.header.kid));
  assert.equal(plain.jwksFetches, 0);
});

test('token endpoint: client authentication', async () => {
  const cases = [
    [{ client_secret: 'wrong' }, 401, 'invalid_client'],
    [{ client_secret: undefined }, 401, 'invalid_client'],
    [{ client_id: 'someone-else' }, 401, 'invalid_client'],
    [{ client_id: undefined, client_secret: undefined }, 401, 'invalid_client'],
  ];
  for (const [change, status, error] of cases) {
    const { form } = await getCode();
    const res = await exchangeCode(config, { ...form, ...change });
    assert.deepEqual([res.status, res.body.error], [status, error], JSON.stringify(change));
  }
  // client_secret_basic works too.
  const { form } = await getCode();
  const { client_secret: _, ...rest } = form;
  const ok = await exchangeCode(config, rest, { basic: CLIENT });
  assert.equal(ok.status, 200);
  const log = await requests();
  assert.equal(log.tokenRequests.at(-1).authMethod, 'client_secret_basic');
  assert.equal(log.tokenRequests.at(-2).clientSecret, 'absent');
});

test('token endpoint: redirect_uri, code_verifier and code reuse give invalid_grant', async () => {
  const cases = [
    { redirect_uri: 'http://127.0.0.1:10/callback' },
    { code_verifier: undefined },
    { code_verifier: pkcePair().verifier },
  ];
  for (const change of cases) {
    const { form } = await getCode();
    const res = await exchangeCode(config, { ...form, ...change });
    assert.deepEqual([res.status, res.body.error], [400, 'invalid_grant'], JSON.stringify(change));
  }
  const { form } = await getCode();
  const first = await exchangeCode(config, form);
  assert.equal(first.status, 200);
  const again = await exchangeCode(config, form);
  assert.deepEqual([again.status, again.body.error], [400, 'invalid_grant']);
  // RFC 6749 §4.1.2: the replay revokes what the code gave.
  const info = await fetch(config.userinfo_endpoint, { headers: { Authorization: `Bearer ${first.body.access_token}` } });
  assert.equal(info.status, 401);
});

test('nf_token_error: invalid_grant, invalid_client, server_error', async () => {
  for (const [knob, status] of [['invalid_grant', 400], ['invalid_client', 401], ['server_error', 500]]) {
    const r = await signIn(issuer, { knobs: { nf_token_error: knob } });
    assert.equal(r.outcome, 'token_error');
    assert.deepEqual([r.token.status, r.error], [status, knob]);
  }
});

test('nf_token_error=slow: the answer is held back, then normal', async () => {
  const early = await getCode({ nf_token_error: 'slow' });
  await assert.rejects(exchangeCode(config, early.form, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
  const { form } = await getCode({ nf_token_error: 'slow' });
  const started = Date.now();
  const res = await exchangeCode(config, form);
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started >= SLOW_MS - 50);
});

test('authorize refuses bad requests', async () => {
  const { challenge } = pkcePair();
  const ask = (params) => fetch(authorizeUrl(config, { redirectUri: 'http://127.0.0.1:9/callback', state: 's', nonce: 'n', challenge, ...params }), { redirect: 'manual' });
  // Shown to the user, never redirected: unknown client, non-loopback or `localhost` redirect.
  assert.equal((await ask({ clientId: 'nope' })).status, 401);
  for (const redirectUri of ['http://localhost:9/callback', 'http://127.0.0.1:9/other', 'https://127.0.0.1:9/callback']) {
    const res = await ask({ redirectUri });
    assert.deepEqual([res.status, (await res.json()).error], [400, 'redirect_uri_mismatch'], redirectUri);
  }
  assert.equal((await ask({ knobs: { nf_token: 'typo' } })).status, 400);
  assert.equal((await ask({ knobs: { nf_nope: '1' } })).status, 400);
  // Sent back to the client: no PKCE.
  const noPkce = await ask({ challenge: undefined });
  assert.equal(noPkce.status, 302);
  const to = new URL(noPkce.headers.get('location'));
  assert.deepEqual([to.searchParams.get('error'), to.searchParams.get('state'), to.searchParams.has('code')], ['invalid_request', 's', false]);
});

test('control: reset clears the counters and spends outstanding codes', async () => {
  const { form } = await getCode();
  assert.ok((await requests()).authorize > 0);
  await reset();
  const log = await requests();
  assert.deepEqual([log.discovery, log.jwks, log.authorize, log.token, log.tokenRequests.length], [0, 0, 0, 0, 0]);
  const res = await exchangeCode(config, form);
  assert.equal(res.body.error, 'invalid_grant');
});

test('SIGTERM ends the provider cleanly', async () => {
  const { code, signal } = await provider.stop();
  assert.deepEqual([code, signal], [0, null]);
  assert.equal(provider.stderr(), '');
});

test('--client-id/--client-secret register another client; the ID token has exactly the documented claims', async () => {
  const other = await startProvider(['--client-id', 'custom', '--client-secret', 's3cret']);
  try {
    const r = await signIn(other.issuer, { client: { id: 'custom', secret: 's3cret' } });
    assert.equal(r.outcome, 'ok');
    assert.deepEqual(Object.keys(decodeJwt(r.token.body.id_token).payload).sort(),
      ['aud', 'azp', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'nonce', 'picture', 'sub']);
    assert.equal(r.claims.aud, 'custom');
  } finally {
    await other.stop();
  }
});
