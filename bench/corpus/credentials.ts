/**
 * Credential types of the corpus: for each, how to generate a fresh secret in its documented
 * format, and (for secrets that are only recognisable by where they stand) the contexts it
 * appears in. Types named after a form (cli-*, markup-*, ...) are the shapes of issue 10.
 */
import { generateKeyPairSync } from 'node:crypto';
import { AL, AN, B64, B64U, D, HEX, LOW, UP, type Random, base64 } from './random.ts';

/** [text before, text after] around the secret. */
export type Context = [string, string];

export interface CredentialType {
  /** The credential as it is written, public prefix included. */
  secret: (r: Random) => string;
  /**
   * The documented public format at its start, not secret: the prefix naming a token's kind
   * (ghp_, AKIA, xoxb-, sk-ant-api03-), a PEM key's BEGIN line and line break, the "eyJ" ('{"')
   * every JWT begins with. The secret proper (what must not leak, what a finding must cover)
   * is what follows, up to `publicSuffix` (a PEM key's END line).
   */
  publicPrefix?: string | RegExp;
  publicSuffix?: RegExp;
  /** Where the secret appears; by default the shared contexts of self-identifying tokens. */
  contexts?: (r: Random, name: string) => Context[];
}

const AGE = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const uuid = (r: Random) => `${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-4${r.chars(HEX, 3)}-a${r.chars(HEX, 3)}-${r.chars(HEX, 12)}`;
const tok = (prefix: string, alphabet: string, n: number): CredentialType => ({ secret: (r) => `${prefix}${r.chars(alphabet, n)}`, publicPrefix: prefix });
/** A PEM key's framing: its BEGIN and END lines, with the line breaks next to the body. */
const PEM_BEGIN = /^-----BEGIN [A-Z ]+-----(?:\\n|\n)/;
const PEM_END = /(?:\\n|\n)-----END [A-Z ]+-----$/;
/**
 * A real private key, generated at run time (never committed): scanners that check a key's
 * structure, as secretlint does, see a valid one. Not seeded, so these bodies vary per run.
 */
const realKey = (kind: 'rsa' | 'ec' | 'pkcs8') => (): string => {
  if (kind === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: kind === 'ec' ? 'sec1' : 'pkcs8', format: 'pem' }).toString().trim();
};
/** Random base64 between the lines: for formats node cannot write (OpenSSH, PGP). */
const pemKey = (label: string) => (r: Random) => {
  const lines = Array.from({ length: r.int(4, 12) }, () => base64(r.bytes(48)));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
};
const WORDS = ['Tiger', 'Summer', 'Falcon', 'Orange', 'Monday', 'Winter', 'Rocket', 'Purple', 'Dragon', 'Coffee', 'Lemon', 'Harbor'];
/**
 * Passwords as people set them: random, random with symbols, or a word, digits and a symbol.
 * Where they stand decides which symbols are realistic: a bare shell argument avoids the
 * shell's own (people quote those), a URL's userinfo avoids the URL's.
 */
export function password(r: Random, where: 'quoted' | 'shell' | 'url' = 'quoted'): string {
  const symbols = where === 'quoted' ? ['!', '#', '%', '^', '*', '@', '$', '?', '&'] : where === 'shell' ? ['%', '^', '@', '+', '=', '.', '_', '-'] : ['!', '*', '_', '-', '.', '~'];
  switch (r.int(0, 2)) {
    case 0:
      return r.chars(AN, r.int(12, 20));
    case 1:
      return `${r.chars(AN, r.int(6, 10))}${r.pick(symbols)}${r.chars(AN, r.int(3, 6))}`;
    default:
      return `${r.pick(WORDS)}${r.chars(D, r.int(2, 4))}${r.pick(symbols)}${r.chars(AL, 2)}`;
  }
}
const shellPassword = (r: Random) => password(r, 'shell');
const urlPassword = (r: Random) => password(r, 'url');
const awsSecret = (r: Random) => `${r.chars('A-Z', 2)}${r.chars('a-z', 2)}${r.chars(D, 2)}${r.chars('A-Za-z0-9/+', 34)}`;
const awsId = (r: Random) => `AKIA${r.chars('A-Z2-7', 16)}`;
const snowflake = (r: Random) => `${r.int(1, 9)}${r.chars(D, 17)}`;

/** Contexts for a value known only by the name it is assigned to. */
const assigned = (names: string[]) => (r: Random): Context[] =>
  names.flatMap((name): Context[] => [
    [`export ${name.toUpperCase()}=`, '\n'],
    [`{"${name}": "`, '", "region": "eu-west-1"}'],
    [`${name.toLowerCase()} = "`, '"\n'],
    [`  ${name.toUpperCase()}: `, '\n'],
  ]).filter(() => r.next() < 0.9);

/** Contexts where a token stands alone: after "=", in prose, in a code block, in a log line. */
const tokenLike = (r: Random): Context[] => [['export TOKEN=', '\n'], ['Use ', ' for the staging tenant.'], ['```\n', '\n```'], [`${r.int(1, 9)} INFO credential `, ' loaded']];

const cli = (...templates: string[]) => (): Context[] => templates.map((t) => t.split('{}') as unknown as Context);

export const credentialTypes: Record<string, CredentialType> = {
  'anthropic-api-key': { publicPrefix: 'sk-ant-api03-', secret: (r) => `sk-ant-api03-${r.chars(B64U, 93)}AA` },
  'anthropic-admin-key': { publicPrefix: 'sk-ant-admin01-', secret: (r) => `sk-ant-admin01-${r.chars(B64U, 93)}AA` },
  'openai-project-key': tok('sk-proj-', B64U, 156),
  'openai-service-account-key': tok('sk-svcacct-', B64U, 120),
  'openai-admin-key': tok('sk-admin-', B64U, 80),
  'openai-legacy-key': { publicPrefix: 'sk-', secret: (r) => `sk-${r.chars(AN, 20)}T3BlbkFJ${r.chars(AN, 20)}` },
  'openrouter-api-key': tok('sk-or-v1-', HEX, 64),
  'huggingface-token': tok('hf_', AL, 34),
  'huggingface-org-token': tok('api_org_', AL, 34),
  'replicate-api-token': tok('r8_', AN, 37),
  'groq-api-key': tok('gsk_', AN, 52),
  'perplexity-api-key': tok('pplx-', AN, 48),
  'xai-api-key': tok('xai-', AN, 80),
  'langsmith-api-key': { publicPrefix: 'lsv2_pt_', secret: (r) => `lsv2_pt_${r.chars(HEX, 32)}_${r.chars(HEX, 10)}` },
  'github-pat': tok('ghp_', AN, 36),
  'github-oauth-token': tok('gho_', AN, 36),
  'github-user-to-server-token': tok('ghu_', AN, 36),
  'github-server-to-server-token': tok('ghs_', AN, 36),
  'github-refresh-token': tok('ghr_', AN, 76),
  'github-fine-grained-pat': { publicPrefix: 'github_pat_', secret: (r) => `github_pat_${r.chars(AN, 22)}_${r.chars(AN, 59)}` },
  'gitlab-pat': tok('glpat-', B64U, 20),
  'gitlab-pipeline-trigger-token': tok('glptt-', HEX, 40),
  'gitlab-runner-token': tok('glrt-', AN, 25),
  'gitlab-deploy-token': tok('gldt-', AN, 20),
  'gitlab-feed-token': tok('glft-', AN, 20),
  'gitlab-oauth-app-secret': tok('gloas-', HEX, 64),
  'gitlab-cicd-job-token': tok('glcbt-', AN, 30),
  'gitlab-agent-token': tok('glagent-', AN, 50),
  'bitbucket-app-password': tok('ATBB', AN, 32),
  'atlassian-api-token': tok('ATATT3xFfGF0', B64U, 180),
  'sourcegraph-access-token': tok('sgp_', HEX, 40),
  'sonarqube-token': tok('squ_', HEX, 40),
  'figma-token': tok('figd_', B64U, 40),
  'aws-access-key-id': { publicPrefix: 'AKIA', secret: awsId },
  'aws-secret-access-key': { secret: awsSecret, contexts: assigned(['aws_secret_access_key', 'SecretAccessKey']) },
  'aws-session-token': { secret: (r) => r.chars(B64, 300), contexts: assigned(['aws_session_token']) },
  'gcp-api-key': tok('AIza', B64U, 35),
  'gcp-oauth-client-secret': tok('GOCSPX-', B64U, 28),
  'google-oauth-access-token': tok('ya29.', B64U, 150),
  'google-oauth-refresh-token': tok('1//0', B64U, 100),
  'gcp-service-account-private-key': {
    publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: () => realKey('pkcs8')().replaceAll('\n', '\\n'),
    contexts: (r) => [[`{"type": "service_account", "project_id": "p-${r.chars(LOW, 6)}", "private_key_id": "${r.chars(HEX, 40)}", "private_key": "`, `\\n", "client_email": "svc@p.iam.gserviceaccount.com", "client_id": "${r.chars(D, 21)}"}`]],
  },
  'azure-storage-account-key': {
    secret: (r) => `${r.chars(B64, 86)}==`,
    contexts: () => [['DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=', ';EndpointSuffix=core.windows.net'], ['"ConnectionString": "DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=', '"']],
  },
  'azure-sas-signature': {
    secret: (r) => `${r.chars(AN, 40)}%2B${r.chars(AN, 6)}%3D`,
    contexts: () => [['https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&sig=', '&se=2030-01-01'], ['SAS_URL="https://x.blob.core.windows.net/backup?sp=r&sig=', '"']],
  },
  // The portal shows a client secret's first 3 characters as its public hint, and "Q~" marks
  // the format: the secret proper is what follows.
  'azure-ad-client-secret': { publicPrefix: 'Q~', secret: (r) => `Q~${r.chars(B64U, 34)}`, contexts: (r) => tokenLike(r).map(([b, a]): Context => [`${b}${r.chars(AN, 3)}8`, a]) },
  'digitalocean-pat': tok('dop_v1_', HEX, 64),
  'digitalocean-oauth-token': tok('doo_v1_', HEX, 64),
  'digitalocean-refresh-token': tok('dor_v1_', HEX, 64),
  'alibaba-access-key-id': tok('LTAI', AN, 20),
  'doppler-token': tok('dp.pt.', AN, 43),
  'pulumi-access-token': tok('pul-', HEX, 40),
  // <token id>.atlasv1.<secret>: the id part names the token; the secret follows the marker.
  'terraform-cloud-token': { publicPrefix: 'atlasv1.', secret: (r) => `atlasv1.${r.chars(B64U, 67)}`, contexts: (r) => tokenLike(r).map(([b, a]): Context => [`${b}${r.chars(LOW, 14)}.`, a]) },
  'tailscale-key': { publicPrefix: 'tskey-auth-', secret: (r) => `tskey-auth-${r.chars(AN, 12)}-${r.chars(AN, 30)}` },
  'heroku-api-key': tok('HRKU-', B64U, 60),
  'fly-io-token': tok('fm2_', B64, 200),
  'cloudflare-origin-ca-key': { publicPrefix: 'v1.0-', secret: (r) => `v1.0-${r.chars(HEX, 24)}-${r.chars(HEX, 146)}` },
  'nuget-api-key': tok('oy2', LOW, 43),
  'docker-hub-pat': tok('dckr_pat_', B64U, 27),
  'vault-service-token': tok('hvs.', B64U, 90),
  'vault-batch-token': tok('hvb.', B64U, 138),
  'onepassword-service-account-token': tok('ops_eyJ', B64U, 300),
  'age-secret-key': tok('AGE-SECRET-KEY-1', AGE, 58),
  'dynatrace-token': { publicPrefix: 'dt0c01.', secret: (r) => `dt0c01.${r.chars(UP, 24)}.${r.chars(UP, 64)}` },
  'slack-bot-token': { publicPrefix: 'xoxb-', secret: (r) => `xoxb-${r.chars(D, 12)}-${r.chars(D, 13)}-${r.chars(AN, 24)}` },
  'slack-user-token': { publicPrefix: 'xoxp-', secret: (r) => `xoxp-${r.chars(D, 12)}-${r.chars(D, 13)}-${r.chars(D, 13)}-${r.chars(HEX, 32)}` },
  'slack-app-token': { publicPrefix: 'xapp-1-', secret: (r) => `xapp-1-A0${r.chars(UP, 9)}-${r.chars(D, 13)}-${r.chars(HEX, 64)}` },
  'slack-webhook-url': {
    secret: (r) => `T${r.chars(UP, 8)}/B${r.chars(UP, 8)}/${r.chars(AN, 24)}`,
    contexts: () => [['SLACK_WEBHOOK=https://hooks.slack.com/services/', '\n'], ['curl -X POST -d @msg.json https://hooks.slack.com/services/', '']],
  },
  'discord-webhook-url': { secret: (r) => `${r.chars(D, 18)}/${r.chars(B64U, 68)}`, contexts: () => [['webhook_url = "https://discord.com/api/webhooks/', '"'], ['post to https://discordapp.com/api/webhooks/', ' now']] },
  'teams-webhook-url': {
    secret: (r) => `${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.chars(HEX, 32)}/${uuid(r)}`,
    contexts: () => [['TEAMS_URL=https://contoso.webhook.office.com/webhookb2/', '\n']],
  },
  'discord-bot-token': { publicPrefix: /^.{4}/, secret: (r) => `${btoa(snowflake(r)).replace(/=+$/, '')}.${r.chars(B64U, 6)}.${r.chars(B64U, 38)}` },
  'telegram-bot-token': {
    publicPrefix: 'AA', secret: (r) => `AA${r.chars(B64U, 33)}`,
    contexts: (r) => [[`TELEGRAM_TOKEN=${r.int(1, 9)}${r.chars(D, 9)}:`, '\n'], [`curl https://api.telegram.org/bot${r.int(1, 9)}${r.chars(D, 9)}:`, '/getUpdates'], [`bot = telebot.TeleBot("${r.int(1, 9)}${r.chars(D, 9)}:`, '")']],
  },
  'stripe-secret-key': tok('sk_live_', AN, 99),
  'stripe-test-secret-key': tok('sk_test_', AN, 24),
  'stripe-restricted-key': tok('rk_live_', AN, 99),
  'stripe-webhook-secret': tok('whsec_', AN, 32),
  'square-access-token': tok('sq0atp-', B64U, 22),
  'square-oauth-secret': tok('sq0csp-', B64U, 43),
  'braintree-access-token': { publicPrefix: 'access_token$production$', secret: (r) => `access_token$production$${r.chars(LOW, 16)}$${r.chars(HEX, 32)}` },
  'plaid-access-token': { publicPrefix: 'access-production-', secret: (r) => `access-production-${uuid(r)}` },
  'flutterwave-secret-key': { publicPrefix: 'FLWSECK-', secret: (r) => `FLWSECK-${r.chars(HEX, 32)}-X` },
  'shopify-access-token': tok('shpat_', HEX, 32),
  'shopify-custom-app-token': tok('shpca_', HEX, 32),
  'shopify-private-app-token': tok('shppa_', HEX, 32),
  'shopify-shared-secret': tok('shpss_', HEX, 32),
  'razorpay-key-id': tok('rzp_live_', AN, 14),
  'twilio-api-key': tok('SK', HEX, 32),
  'twilio-auth-token': { secret: (r) => r.chars(HEX, 32), contexts: assigned(['twilio_auth_token']) },
  'sendgrid-api-key': { publicPrefix: 'SG.', secret: (r) => `SG.${r.chars(B64U, 22)}.${r.chars(B64U, 43)}` },
  'mailgun-api-key': tok('key-', HEX, 32),
  'mailchimp-api-key': { secret: (r) => `${r.chars(HEX, 32)}-us${r.int(1, 21)}`, contexts: assigned(['mailchimp_api_key']) },
  'postman-api-key': { publicPrefix: 'PMAK-', secret: (r) => `PMAK-${r.chars(HEX, 24)}-${r.chars(HEX, 34)}` },
  'linear-api-key': tok('lin_api_', AN, 40),
  'notion-integration-token': tok('secret_', AN, 43),
  'notion-api-token': tok('ntn_', AN, 46),
  'npm-token': tok('npm_', AN, 36),
  'pypi-token': tok('pypi-AgEIcHlwaS5vcmc', B64U, 150),
  'rubygems-api-key': tok('rubygems_', HEX, 48),
  'clojars-token': tok('CLOJARS_', LOW, 60),
  'jfrog-api-key': tok('AKCp', AN, 69),
  'datadog-api-key': { secret: (r) => r.chars(HEX, 32), contexts: assigned(['dd_api_key', 'datadog_api_key']) },
  'datadog-app-key': { secret: (r) => r.chars(HEX, 40), contexts: assigned(['dd_app_key']) },
  'sentry-dsn': { secret: (r) => r.chars(HEX, 32), contexts: (r) => [['SENTRY_DSN=https://', `@o${r.chars(D, 6)}.ingest.sentry.io/${r.chars(D, 7)}\n`], ['Sentry.init({ dsn: "https://', `@o${r.chars(D, 6)}.ingest.us.sentry.io/${r.chars(D, 7)}" });`]] },
  'sentry-user-token': tok('sntryu_', HEX, 64),
  'new-relic-user-key': tok('NRAK-', UP, 27),
  'grafana-cloud-token': { publicPrefix: 'glc_', secret: (r) => `glc_${r.chars(B64, 100)}=` },
  'grafana-service-account-token': { publicPrefix: 'glsa_', secret: (r) => `glsa_${r.chars(AN, 32)}_${r.chars(HEX, 8)}` },
  'pem-rsa-private-key': { publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: realKey('rsa'), contexts: () => [['$ cat ~/.ssh/id_rsa\n', '\n$ '], ['key = """', '"""\n'], ['Here is the key:\n\n```\n', '\n```\n']] },
  'pem-ec-private-key': { publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: realKey('ec'), contexts: () => [['', '\n'], ['tls.key: |\n', '\n']] },
  'pem-openssh-private-key': { publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: pemKey('OPENSSH PRIVATE KEY'), contexts: () => [['$ cat id_ed25519\n', '\n'], ['```\n', '\n```']] },
  'pem-private-key': { publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: realKey('pkcs8'), contexts: () => [['', '\n'], ['PRIVATE_KEY="', '"\n']] },
  'pem-pgp-private-key': { publicPrefix: PEM_BEGIN, publicSuffix: PEM_END, secret: pemKey('PGP PRIVATE KEY BLOCK'), contexts: () => [['', '\n']] },
  jwt: { publicPrefix: 'eyJ', secret: (r) => `eyJ${r.chars(B64U, 30)}.eyJ${r.chars(B64U, 80)}.${r.chars(B64U, 43)}` },
  'database-connection-password': {
    secret: urlPassword,
    contexts: (r) => [['DATABASE_URL=postgres://app:', `@db.internal:5432/app\n`], ['mongodb+srv://svc:', `@cluster${r.int(0, 9)}.mongodb.net/prod`], ['REDIS_URL=redis://default:', '@cache:6379/0'], ['"url": "mysql://root:', '@10.0.0.7:3306/shop"']],
  },
  'url-credentials': { secret: urlPassword, contexts: () => [['git remote set-url origin https://deploy:', '@git.internal/app.git'], ['https://admin:', '@grafana.internal/d/abc']] },
  'basic-auth-header': { secret: (r) => btoa(`${r.pick(['alice', 'ci', 'admin'])}:${password(r)}`), contexts: () => [['Authorization: Basic ', '\r\n'], ['-H "Authorization: Basic ', '"']] },
  'bearer-token': { secret: (r) => `${r.chars(AN, 24)}${r.chars(D, 2)}${r.chars(AN, 14)}`, contexts: () => [['Authorization: Bearer ', '\n'], ["headers = {'Authorization': 'Bearer ", "'}"]] },
  'generic-password': { secret: password, contexts: assigned(['db_password', 'PASSWORD', 'smtp_pass' + 'word']) },
  'generic-api-secret': { secret: (r) => r.chars(AN, r.int(24, 40)), contexts: assigned(['api_secret', 'client_secret', 'API_KEY']) },
  // Forms of issue 10: command lines.
  'cli-curl': { secret: shellPassword, contexts: cli('curl -u admin:{} https://api.internal/health', "curl --user 'ops:{}' -X POST https://x/deploy", 'curl -sS -uci:{} https://jenkins.internal/job/x') },
  'cli-wget': { secret: shellPassword, contexts: cli('wget --user=ops --password={} https://files.internal/a.tgz', "wget --http-password='{}' --http-user=me https://x/f") },
  'cli-mysql': { secret: shellPassword, contexts: cli("mysql -h db -u root -p'{}' shop", 'mysqldump -uroot -p{} --all-databases > all.sql', 'mysql --password="{}" -e "select 1"') },
  'cli-mongo': { secret: shellPassword, contexts: cli('mongosh "mongodb://db:27017" -u admin -p {} --authenticationDatabase admin', 'mongodump --username bk --password "{}" --out /backup') },
  'cli-redis': { secret: shellPassword, contexts: cli('redis-cli -h cache -p 6379 -a {} INFO', "redis-cli --pass '{}' ping") },
  'cli-docker-login': { secret: shellPassword, contexts: cli('docker login -u ci -p {} registry.internal', 'podman login quay.io --username bot --password "{}"') },
  'cli-git': { secret: urlPassword, contexts: cli('git clone https://deploy:{}@git.internal/app.git', 'git push https://bot:{}@github.com/org/repo.git main') },
  'cli-htpasswd': { secret: shellPassword, contexts: cli('htpasswd -bc /etc/nginx/.htpasswd admin {}', 'htpasswd -nbB admin "{}"') },
  'cli-sshpass': { secret: shellPassword, contexts: cli('sshpass -p "{}" ssh root@10.0.0.5', "sshpass -p '{}' scp dump.sql ops@backup:/srv") },
  'cli-psql': { secret: shellPassword, contexts: cli('psql "host=db user=app password={} dbname=app"', "PGPASSWORD='{}' psql -h db -U app") },
  'cli-option': { secret: shellPassword, contexts: cli('vault login --token={} -address=https://vault.internal', 'mytool deploy --api-key {} --env prod', 'az login -u ops@corp.com -p {}') },
  // Assignments that are not NAME=value.
  'markup-element': { secret: password, contexts: cli('<password>{}</password>', '<db:password>{}</db:password>', '    <apiKey>{}</apiKey>\n') },
  'markup-attribute': { secret: password, contexts: cli('<add key="ApiKey" value="{}" />', '<property name="jdbc.password" value="{}"/>', '<entry key="smtp.password">{}</entry>') },
  'subscript-assignment': { secret: password, contexts: cli("settings['TOKEN'] = '{}'", 'os.environ["X_SECRET"] = "{}"', "$config['db_password'] = '{}';", 'ENV["API_KEY"] = "{}"') },
  'call-argument': { secret: password, contexts: cli("define('DB_PASSWORD', '{}');", 'os.environ.setdefault("SECRET_KEY", "{}")') },
  'env-list-pair': {
    secret: password,
    contexts: cli('env:\n  - name: SOME_API_KEY\n    value: {}\n  - name: LOG_LEVEL\n    value: info', '        - name: "DB_PASSWORD"\n          value: "{}"\n', '"environment": [{"name": "AUTH_TOKEN", "value": "{}"}]'),
  },
  // A secret near its key id, with no assignment around it.
  'aws-secret-near-id': { secret: awsSecret, contexts: (r) => [[`Use access key ${awsId(r)} with secret `, ' for the deploy user.'], [`${awsId(r)}\n`, '\n'], [`id: ${awsId(r)}, key: `, '']] },
  'alibaba-secret-near-id': { secret: (r) => `${r.chars(AN, 27)}a1Z`, contexts: (r) => [[`AccessKey ID LTAI${r.chars(AN, 20)} and AccessKey Secret `, '.']] },
};
