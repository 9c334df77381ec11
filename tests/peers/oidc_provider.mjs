// A real OpenID provider for the test-suite: the certified npm package
// oidc-provider on loopback, with one client (Pathwise), RS256 keys made
// here, and accounts that sign in with any login (the login is the email).
// Two controls stand in for what a test cannot otherwise make a provider do:
// rotate() puts a new signing key first (the old one stays published), and
// tamper('audience' | 'expired' | null) re-signs the ID tokens the token
// endpoint hands out, with the provider's own current key, so that they are
// properly signed but for another client, or already expired.
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

async function makeKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

/** Starts the provider on `port`; returns its issuer and the controls. */
export async function startProvider({ port, clientId, clientSecret, redirectUri }) {
  const issuer = `http://127.0.0.1:${port}`;
  let keys = [await makeKey('key-1')];
  let tampering = null;

  async function resign(idToken) {
    const claims = jose.decodeJwt(idToken);
    const now = Math.floor(Date.now() / 1000);
    if (tampering === 'audience') claims.aud = 'some-other-service';
    if (tampering === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
    const key = await jose.importJWK(keys[0], 'RS256');
    return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keys[0].kid }).sign(key);
  }

  function build() {
    const provider = new Provider(issuer, {
      clients: [{
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      }],
      jwks: { keys },
      cookies: { keys: ['pathwise-test-provider-cookies'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'email', 'profile'],
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      async findAccount(ctx, id) {
        return {
          accountId: id,
          async claims() { return { sub: id, email: id, email_verified: true, name: id }; },
        };
      },
      // A first-party client: no consent screen.
      async loadExistingGrant(ctx) {
        const existing = ctx.oidc.result?.consent?.grantId
          || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        if (existing) return ctx.oidc.provider.Grant.find(existing);
        if (!ctx.oidc.session.accountId) return undefined;
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    });
    provider.use(async (ctx, next) => {
      await next();
      if (tampering && ctx.path === '/token' && ctx.body?.id_token) {
        ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token) };
      }
    });
    return provider;
  }

  let current = build();
  const server = http.createServer((req, res) => current.callback()(req, res));
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    tamper(mode) { tampering = mode; },
    async rotate() {
      keys = [await makeKey(`key-${keys.length + 1}`), ...keys];
      current = build();
    },
    async stop() { await new Promise((resolve) => server.close(resolve)); },
  };
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}
