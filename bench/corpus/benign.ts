/**
 * Benign texts that look dangerous: hashes, UUIDs, base64 images, minified code, lockfiles,
 * JWT-looking test fixtures, placeholders, secret-free commands and manifests, identifiers
 * that are public (key ids, client ids, publishable keys). None holds a secret.
 */
import { AN, B64U, D, HEX, LOW, UP, type Random, base64 } from './random.ts';

const uuid = (r: Random) => `${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-4${r.chars(HEX, 3)}-a${r.chars(HEX, 3)}-${r.chars(HEX, 12)}`;
const b64url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const ident = (r: Random) => r.pick(['a', 'b', 'c', 'e', 'n', 't', 'r', 'o', 'i', 's', 'u']) + (r.next() < 0.5 ? '' : r.chars('a-zA-Z', 1));

export const benignKinds: Record<string, (r: Random) => string> = {
  hashes: (r) => Array.from({ length: r.int(2, 6) }, () => `${r.chars(HEX, 64)}  dist/${r.chars('a-z', 6)}.tar.gz`).join('\n'),
  'git-log': (r) => Array.from({ length: r.int(2, 5) }, () => `commit ${r.chars(HEX, 40)}\nAuthor: Dev <dev@corp.com>\n\n    Fix token refresh (#${r.int(100, 999)})\n`).join('\n'),
  uuids: (r) => `{"id": "${uuid(r)}", "requestId": "${uuid(r)}", "traceparent": "00-${r.chars(HEX, 32)}-${r.chars(HEX, 16)}-01"}`,
  'base64-image': (r) => `<img alt="logo" src="data:image/png;base64,${base64(r.bytes(r.int(150, 1500)))}" />`,
  'minified-code': (r) => {
    let out = '';
    for (let i = 0; i < r.int(20, 60); i++) {
      out += r.pick([
        `var ${ident(r)}=${ident(r)}(${r.int(0, 99)}),${ident(r)}=${ident(r)}.${ident(r)}||{};`,
        `function ${ident(r)}(${ident(r)},${ident(r)}){return ${ident(r)}.token?${ident(r)}.token:${ident(r)}}`,
        `${ident(r)}.prototype.${ident(r)}=function(){this.secret=null;this.password=void 0};`,
        `if(!${ident(r)}.apiKey)throw new Error("missing apiKey");`,
        `"${r.chars(AN, 8)}"===${ident(r)}&&(${ident(r)}="${r.chars(B64U, 22)}");`,
      ]);
    }
    return out;
  },
  lockfile: (r) => Array.from({ length: r.int(2, 5) }, () => {
    const name = r.chars('a-z', r.int(3, 9));
    return `    "node_modules/${name}": {\n      "version": "${r.int(0, 9)}.${r.int(0, 20)}.${r.int(0, 9)}",\n      "resolved": "https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz",\n      "integrity": "sha512-${base64(r.bytes(64))}"\n    }`;
  }).join(',\n'),
  'yarn-lock': (r) => `${r.chars('a-z', 5)}@^1.0.0:\n  version "1.2.${r.int(0, 9)}"\n  resolved "https://registry.yarnpkg.com/x/-/x-1.2.3.tgz#${r.chars(HEX, 40)}"\n  integrity sha1-${base64(r.bytes(20))}\n`,
  'jwt-fixture': (r) => {
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: `user-${r.int(1, 999)}`, iat: 1700000000 + r.int(0, 9999) }));
    return r.pick([
      `const unsignedToken = "${header}.${payload}.";`,
      `expect(decode("${header}.${payload}")).toEqual({ sub: "user" });`,
      `// a JWT is header.payload.signature, e.g. ${header}.${payload}.<signature>`,
      `token: "${header}.${payload}.invalid"`,
    ]);
  },
  placeholders: (r) => r.pick([
    'export ANTHROPIC_API_KEY=sk-ant-api03-...\n', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'api_key: "YOUR_API_KEY"', 'password: <your-password>',
    'OPENAI_API_KEY="sk-..."', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'DB_PASSWORD=${DB_PASSWORD}',
    'token = "{{ .Values.token }}"', 'STRIPE_KEY=sk_live_****************', 'client_secret: REPLACE_ME', 'password = "changeme"', '"apiKey": "<API_KEY>"',
    `SECRET_KEY=${'x'.repeat(r.int(20, 40))}`, 'Authorization: Bearer <token>', 'curl -H "x-api-key: $ANTHROPIC_API_KEY" https://api.anthropic.com/v1/messages',
  ]),
  'docker-digests': (r) => `image: registry.internal/app@sha256:${r.chars(HEX, 64)}\n<script src="x.js" integrity="sha384-${base64(r.bytes(48))}"></script>`,
  'code-with-names': (r) => r.pick([
    'password = getPassword()\nif not password:\n    raise AuthError("no password")', 'const apiKey = process.env.API_KEY ?? "";', 'token: string;\nsecret?: Buffer;',
    'def check(token):\n    return hmac.compare_digest(token, expected)', `let refreshToken = await store.get("refresh_token:${r.int(1, 99)}");`, 'if (password.length < 12) return "too short";',
    'SECRET_KEY = os.environ["SECRET_KEY"]', 'export const TOKEN_TTL_SECONDS = 3600;', 'auth_token_header = "X-Auth-Token"', `private_key_id = key.id  # ${r.chars(HEX, 8)}`,
  ]),
  'k8s-manifest': (r) => `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:${r.int(1, 9)}.${r.int(0, 9)}\n          env:\n            - name: LOG_LEVEL\n              value: debug\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n            - name: REPLICA_ID\n              value: "${r.chars(D, 6)}"\n`,
  'cli-without-secrets': (r) => r.pick([
    'curl -u "$USER:$TOKEN" https://api.internal', 'mysql -u root -p shop', 'docker run -p 8080:80 -e MODE=prod nginx', 'redis-cli -a "$REDIS_PASSWORD" ping',
    'echo "$CR_PAT" | docker login ghcr.io -u bot --password-stdin', 'sshpass -f ~/.ssh/pw ssh host', 'htpasswd -c .htpasswd admin', 'mongosh -u admin -p --authenticationDatabase admin',
    `kubectl -n prod get pods -o wide | grep ${r.chars('a-z', 5)}`, 'wget --password="$(pass show ftp)" ftp://x', 'psql -h db -U app -W', 'git clone https://github.com/org/repo.git',
  ]),
  'public-identifiers': (r) => r.pick([
    `{"type": "service_account", "private_key_id": "${r.chars(HEX, 40)}", "client_id": "${r.chars(D, 21)}", "client_email": "svc@p.iam.gserviceaccount.com"}`,
    `STRIPE_PUBLISHABLE_KEY=pk_live_${r.chars(AN, 24)}`, `GOOGLE_CLIENT_ID=${r.chars(D, 12)}-${r.chars(LOW, 32)}.apps.googleusercontent.com`,
    `arn:aws:iam::${r.chars(D, 12)}:role/deploy`, `AUTH0_CLIENT_ID=${r.chars(AN, 32)}`, `"KeyId": "arn:aws:kms:eu-west-1:${r.chars(D, 12)}:key/${uuid(r)}"`,
    `TWILIO_ACCOUNT_SID=AC${r.chars(HEX, 32)}`, `api_key_id: ${r.chars(AN, 20)}`, `"secretName": "prod/db/${r.chars('a-z', 6)}"`, `msg_01${r.chars(AN, 22)}`,
  ]),
  prose: (r) => r.pick([
    'Rotate your token every 90 days; the password policy requires at least 12 characters.', 'Store the secret in Vault and pass it through an environment variable, never on the command line.',
    'The API key is sent in the x-api-key header. Keys start with sk-ant- followed by a version.', 'Use `curl -u user:pass` only against test servers; prefer a token.',
    `Build ${r.chars(HEX, 7)} passed in ${r.int(2, 59)}s. Coverage ${r.int(60, 99)}%.`, 'Set MYSQL_PWD in the environment instead of `-p`, which other users can see in ps.',
  ]),
  'css-and-numbers': (r) => `.btn{color:#${r.chars(HEX, 6)};background:#${r.chars(HEX, 6)}}\n/* v${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 99)} ${r.int(10, 250)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)} */`,
  'random-ids-in-logs': (r) => `2026-11-28T12:${r.int(10, 59)}:00Z INFO req=${r.chars(AN, 20)} span=${r.chars(HEX, 16)} user=${r.chars(D, 8)} session_id=${r.chars(AN, 32)} took ${r.int(1, 900)}ms`,
  'base64-blobs': (r) => `"payload": "${base64(new TextEncoder().encode(`{"event":"push","repo":"org/${r.chars('a-z', 6)}","ref":"refs/heads/main","n":${r.int(1, 999)}}`))}"`,
  'upper-ids': (r) => `INSTANCE=${r.chars(UP, 17)} AMI=ami-${r.chars(HEX, 17)} SUBNET=subnet-${r.chars(HEX, 17)} VPC=vpc-${r.chars(HEX, 8)}`,
};
