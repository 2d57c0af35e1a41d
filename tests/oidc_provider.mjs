// A real OpenID Connect provider for the tests (panva's oidc-provider), on 127.0.0.1.
// Its configuration comes as JSON in OIDC_TEST_CONFIG: the port, the clients and the
// accounts (subject -> claims). The development login page accepts any password; the login
// typed is the subject. Never used outside the tests.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The portal reads who someone is from the ID token, as Entra ID sends it.
  conformIdTokenClaims: false,
  cookies: { keys: ['oidc-provider-test-only'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
