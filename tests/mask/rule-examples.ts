/**
 * Positive and negative examples for every built-in rule. A positive example is
 * [text before, the secret, text after]: the secret, exactly, must be redacted by that rule.
 * A negative example must come out unchanged, with no finding.
 */
import { AL, AN, B64, B64U, D, HEX, LOW, UP, gen, pem, uuid } from './fixtures.ts';

export interface RuleExamples {
  yes: [string, string, string][];
  no: string[];
}

/** A token in a sentence: its public prefix stays, the body after it is the secret. */
const t = (prefix: string, body: string): [string, string, string] => [`token here: ${prefix}`, body, ' end'];
/** A PEM key: the BEGIN and END lines and the line breaks next to them stay, the body is the secret. */
const pemKey = (before: string, label: string, lines: number, after: string, newline = '\n'): [string, string, string] => {
  const key = pem(label, lines, newline);
  const begin = `-----BEGIN ${label}-----${newline}`;
  const end = `${newline}-----END ${label}-----`;
  return [before + begin, key.slice(begin.length, -end.length), end + after];
};
const AGE = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const slackDigits = () => `${gen(D, 12)}-${gen(D, 13)}`;
/** A Discord bot token's shape: base64url of a snowflake id, a 6-character stamp, an HMAC. */
const discordToken = () => `${btoa(`${gen('1-9', 1)}${gen(D, 18)}`).replace(/=+$/, '')}.${gen(B64U, 6)}.${gen(B64U, 38)}`;
/** A Discord token in context: the first four characters (the first three digits of the public user id) stay. */
const discordExample = (before: string, after: string): [string, string, string] => {
  const token = discordToken();
  return [before + token.slice(0, 4), token.slice(4), after];
};
/** 40 characters with both cases and a digit, as AWS secret keys have. */
const awsSecret = () => `${gen('A-Z', 2)}${gen('a-z', 2)}${gen('0-9', 2)}${gen('A-Za-z0-9/+', 34)}`;

export const ruleExamples: Record<string, RuleExamples> = {
  // AI
  'anthropic-api-key': { yes: [t('sk-ant-api03-', `${gen(B64U, 93)}AA`)], no: ['sk-ant-api03-short', `sk-ant-api03-${'x'.repeat(95)}`] },
  'anthropic-admin-key': { yes: [t('sk-ant-admin01-', `${gen(B64U, 93)}AA`)], no: ['sk-ant-admin01-YOUR_ADMIN_KEY'] },
  'openai-project-key': { yes: [t('sk-proj-', gen(B64U, 156))], no: ['sk-proj-abc'] },
  'openai-service-account-key': { yes: [t('sk-svcacct-', gen(B64U, 100))], no: ['sk-svcacct-demo'] },
  'openai-admin-key': { yes: [t('sk-admin-', gen(B64U, 80))], no: ['the sk-admin-panel link'] },
  'openai-legacy-key': { yes: [t('sk-', `${gen(AN, 20)}T3BlbkFJ${gen(AN, 20)}`)], no: [`sk-${gen(AN, 48)}`.replace(/T3BlbkFJ/g, '')] },
  'openrouter-api-key': { yes: [t('sk-or-v1-', gen(HEX, 64))], no: [`sk-or-v1-${gen(HEX, 32)}`] },
  'huggingface-token': { yes: [t('hf_', gen(AL, 34))], no: [`hf_${gen(AL, 20)}`] },
  'huggingface-org-token': { yes: [t('api_org_', gen(AL, 34))], no: ['api_org_name'] },
  'replicate-api-token': { yes: [t('r8_', gen(AN, 37))], no: [`r8_${gen(AN, 10)}`] },
  'groq-api-key': { yes: [t('gsk_', gen(AN, 52))], no: [`gsk_${gen(AN, 51)}`] },
  'perplexity-api-key': { yes: [t('pplx-', gen(AN, 48))], no: ['pplx-api docs'] },
  'xai-api-key': { yes: [t('xai-', gen(AN, 80))], no: ['the xai-grok-2 model'] },
  'langsmith-api-key': { yes: [t('lsv2_pt_', `${gen(HEX, 32)}_${gen(HEX, 10)}`)], no: [`lsv2_pt_${gen(HEX, 32)}`] },
  // Source hosting
  'github-pat': { yes: [t('ghp_', gen(AN, 36)), ['GH=ghp_', gen(AN, 36), '']], no: [`ghp_${gen(AN, 20)}`, `xghp_${gen(AN, 36)}`, `ghp_${'0'.repeat(36)}`] },
  'github-oauth-token': { yes: [t('gho_', gen(AN, 36))], no: [`gho_${gen(AN, 35)}`] },
  'github-user-to-server-token': { yes: [t('ghu_', gen(AN, 36))], no: [`ghu_${gen(AN, 37)}`] },
  'github-server-to-server-token': { yes: [t('ghs_', gen(AN, 36))], no: ['ghs_abc'] },
  'github-refresh-token': { yes: [t('ghr_', gen(AN, 76))], no: ['ghr_abc'] },
  'github-fine-grained-pat': { yes: [t('github_pat_', `${gen(AN, 22)}_${gen(AN, 59)}`)], no: [`github_pat_${gen(AN, 22)}`] },
  'gitlab-pat': { yes: [t('glpat-', gen(B64U, 20))], no: ['glpat-short'] },
  'gitlab-pipeline-trigger-token': { yes: [t('glptt-', gen(HEX, 40))], no: [`glptt-${gen(HEX, 39)}`] },
  'gitlab-runner-token': { yes: [t('glrt-', gen(AN, 25))], no: ['glrt-abc'] },
  'gitlab-deploy-token': { yes: [t('gldt-', gen(AN, 20))], no: ['gldt-abc'] },
  'gitlab-feed-token': { yes: [t('glft-', gen(AN, 20))], no: ['glft-abc'] },
  'gitlab-oauth-app-secret': { yes: [t('gloas-', gen(HEX, 64))], no: ['gloas-abc'] },
  'gitlab-cicd-job-token': { yes: [t('glcbt-', gen(AN, 30))], no: ['glcbt-abc'] },
  'gitlab-agent-token': { yes: [t('glagent-', gen(AN, 50))], no: ['glagent-abc'] },
  'bitbucket-app-password': { yes: [t('ATBB', gen(AN, 32))], no: [`ATBB${gen(AN, 10)}`] },
  'atlassian-api-token': { yes: [t('ATATT', `3xFfGF0${gen(B64U, 180)}`)], no: [`ATATT${gen(AN, 20)}`] },
  'sourcegraph-access-token': { yes: [t('sgp_', gen(HEX, 40))], no: ['sgp_short'] },
  'sonarqube-token': { yes: [t('squ_', gen(HEX, 40))], no: [`squ_${gen(HEX, 12)}`] },
  'figma-token': { yes: [t('figd_', gen(B64U, 40))], no: ['figd_abc'] },
  // Cloud
  'aws-access-key-id': { yes: [t('AKIA', gen('A-Z2-7', 16)), t('ASIA', gen('A-Z2-7', 16))], no: ['AKIAIOSFODNN7EXAMPLE', `AKIA${gen(UP, 10)}`] },
  'aws-secret-access-key': {
    yes: [['aws_secret_access_key = ', awsSecret(), '\n'], ['"SecretAccessKey": "', awsSecret(), '"']],
    no: ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = ${AWS_SECRET}', `commit ${gen(HEX, 40)} after AKIA`],
  },
  'alibaba-access-key-secret': {
    yes: [['ALIBABA_CLOUD_ACCESS_KEY_SECRET=', `${gen(AN, 29)}7`, '\n']],
    no: ["ALIBABA_CLOUD_ACCESS_KEY_SECRET=${ALIBABA_SECRET}", "AccessKeySecret: <your-secret>"],
  },
  'aws-session-token': { yes: [['AWS_SESSION_TOKEN=', gen(B64, 300), '\n']], no: ['AWS_SESSION_TOKEN=$TOKEN'] },
  'gcp-api-key': { yes: [t('AIza', gen(B64U, 35))], no: [`AIza${gen(B64U, 20)}`] },
  'gcp-oauth-client-secret': { yes: [t('GOCSPX-', gen(B64U, 28))], no: ['GOCSPX-abc'] },
  'google-oauth-access-token': { yes: [t('ya29.', gen(B64U, 150))], no: ['ya29.short'] },
  'google-oauth-refresh-token': { yes: [t('1//0', gen(B64U, 100))], no: ['1//0abc'] },
  'gcp-service-account-private-key': {
    yes: [pemKey('{"type": "service_account", "private_key": "', 'PRIVATE KEY', 6, '\\n", "client_email": "a@b.iam"}', '\\n')],
    no: ['{"private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"}'],
  },
  'azure-storage-account-key': {
    yes: [['DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=', `${gen(B64, 86)}==`, ';EndpointSuffix=core.windows.net']],
    no: ['AccountKey=<your-key>;'],
  },
  'azure-sas-signature': {
    yes: [['https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=', `${gen(AN, 40)}%2B${gen(AN, 6)}%3D`, '&se=2030']],
    no: ['?sig=abc&x=1'],
  },
  'azure-ad-client-secret': { yes: [[`the value ${gen(AN, 3)}8Q~`, gen(B64U, 34), '\n']], no: ['Q~ab', `the Q~${gen(AN, 34)}`] },
  'digitalocean-pat': { yes: [t('dop_v1_', gen(HEX, 64))], no: [`dop_v1_${gen(HEX, 32)}`] },
  'digitalocean-oauth-token': { yes: [t('doo_v1_', gen(HEX, 64))], no: [`doo_v1_${gen(HEX, 63)}`] },
  'digitalocean-refresh-token': { yes: [t('dor_v1_', gen(HEX, 64))], no: ['dor_v1_abc'] },
  'alibaba-access-key-id': { yes: [t('LTAI', gen(AN, 20))], no: [`LTAI${gen(AN, 5)}`] },
  'doppler-token': { yes: [t('dp.pt.', gen(AN, 43))], no: ['dp.pt.short'] },
  'pulumi-access-token': { yes: [t('pul-', gen(HEX, 40))], no: [`pul-${gen(HEX, 10)}`] },
  'terraform-cloud-token': { yes: [[`export TFE=${gen(LOW, 14)}.atlasv1.`, gen(B64U, 67), '\n']], no: ['x.atlasv1.short'] },
  'tailscale-key': { yes: [t('tskey-auth-', `${gen(AN, 12)}-${gen(AN, 30)}`)], no: ['tskey-auth-short'] },
  'heroku-api-key': { yes: [t('HRKU-', gen(B64U, 60))], no: ['HRKU-abc'] },
  'fly-io-token': { yes: [t('fm2_', gen(B64, 200))], no: ['fm2_abc'] },
  'cloudflare-origin-ca-key': { yes: [t('v1.0-', `${gen(HEX, 24)}-${gen(HEX, 146)}`)], no: ['release v1.0-beta'] },
  'nuget-api-key': { yes: [t('oy2', gen(LOW, 43))], no: [`oy2${gen(LOW, 10)}`] },
  'docker-hub-pat': { yes: [t('dckr_pat_', gen(B64U, 27))], no: ['dckr_pat_abc'] },
  'vault-service-token': { yes: [t('hvs.', gen(B64U, 90))], no: [`hvs.${gen(B64U, 10)}`] },
  'vault-batch-token': { yes: [t('hvb.', gen(B64U, 138))], no: ['hvb.abc'] },
  'vault-recovery-token': { yes: [t('hvr.', gen(B64U, 30))], no: ['hvr.abc'] },
  'onepassword-service-account-token': { yes: [t('ops_eyJ', gen(B64U, 300))], no: ['ops_eyJhbG'] },
  'age-secret-key': { yes: [t('AGE-SECRET-KEY-1', gen(AGE, 58))], no: [`AGE-SECRET-KEY-1${gen(AGE, 20)}`] },
  'dynatrace-token': { yes: [t('dt0c01.', `${gen(UP, 24)}.${gen(UP, 64)}`)], no: [`dt0c01.${gen(UP, 24)}`] },
  // Chat
  'slack-bot-token': { yes: [t('xoxb-', `${slackDigits()}-${gen(AN, 24)}`)], no: ['xoxb-123'] },
  'slack-user-token': { yes: [t('xoxp-', `${slackDigits()}-${gen(D, 13)}-${gen(HEX, 32)}`)], no: ['xoxp-short'] },
  'slack-app-token': { yes: [t('xapp-1-', `A0${gen(UP, 9)}-${gen(D, 13)}-${gen(HEX, 64)}`)], no: ['xapp-1-x'] },
  'slack-config-token': { yes: [t('xoxe.xoxp-', `1-${gen(AN, 140)}`)], no: ['xoxe-1'] },
  'slack-legacy-token': { yes: [t('xoxs-', `${gen(D, 12)}-${gen(AN, 30)}`)], no: ['xoxs-1'] },
  'slack-webhook-url': { yes: [['https://hooks.slack.com/services/', `T${gen(UP, 8)}/B${gen(UP, 8)}/${gen(AN, 24)}`, ' ']], no: ['https://hooks.slack.com/services/T000'] },
  'discord-webhook-url': { yes: [['https://discord.com/api/webhooks/', `${gen(D, 18)}/${gen(B64U, 68)}`, '']], no: ['https://discord.com/api/webhooks/123'] },
  'teams-webhook-url': {
    yes: [['https://contoso.webhook.office.com/webhookb2/', `${uuid()}@${uuid()}/IncomingWebhook/${gen(HEX, 32)}/${uuid()}`, '\n']],
    no: ['https://contoso.webhook.office.com/webhookb2/abc'],
  },
  'discord-bot-token': {
    yes: [discordExample('DISCORD_BOT_TOKEN=', '\n'), discordExample('client.login("', '")')],
    no: ['DISCORD_BOT_TOKEN=abc', `M${gen(AL, 23)}.${gen(B64U, 6)}.${gen(B64U, 38)}`.replace(/^MT/, 'Mx')],
  },
  'telegram-bot-token': {
    yes: [[`bot ${gen('1-9', 1)}${gen(D, 9)}:AA`, gen(B64U, 33), ''], [`https://api.telegram.org/bot${gen('1-9', 1)}${gen(D, 9)}:AA`, gen(B64U, 33), '/getMe']],
    no: [`12:AA${gen(B64U, 33)}`, `robot${gen(D, 10)}:AA${gen(B64U, 33)}`],
  },
  // Commerce and messaging
  'stripe-secret-key': { yes: [t('sk_live_', gen(AN, 99))], no: [`sk_live_${gen(AN, 10)}`] },
  'stripe-test-secret-key': { yes: [t('sk_test_', gen(AN, 24))], no: ['sk_test_abc'] },
  'stripe-restricted-key': { yes: [t('rk_live_', gen(AN, 99))], no: ['rk_live_abc'] },
  'stripe-webhook-secret': { yes: [t('whsec_', gen(AN, 32))], no: ['whsec_abc'] },
  'square-access-token': { yes: [t('sq0atp-', gen(B64U, 22))], no: ['sq0atp-abc'] },
  'square-oauth-secret': { yes: [t('sq0csp-', gen(B64U, 43))], no: ['sq0csp-abc'] },
  'braintree-access-token': { yes: [t('access_token$production$', `${gen(LOW, 16)}$${gen(HEX, 32)}`)], no: ['access_token$production$abc'] },
  'plaid-access-token': { yes: [t('access-production-', uuid())], no: ['access-production-abc'] },
  'flutterwave-secret-key': { yes: [t('FLWSECK-', `${gen(HEX, 32)}-X`)], no: ['FLWSECK-abc'] },
  'shopify-access-token': { yes: [t('shpat_', gen(HEX, 32))], no: [`shpat_${gen(HEX, 16)}`] },
  'shopify-custom-app-token': { yes: [t('shpca_', gen(HEX, 32))], no: ['shpca_abc'] },
  'shopify-private-app-token': { yes: [t('shppa_', gen(HEX, 32))], no: ['shppa_abc'] },
  'shopify-shared-secret': { yes: [t('shpss_', gen(HEX, 32))], no: ['shpss_abc'] },
  'twilio-api-key': { yes: [t('SK', gen(HEX, 32))], no: [`SKU${gen(HEX, 32)}`, `SK${gen(HEX, 16)}`] },
  'twilio-auth-token': { yes: [['TWILIO_AUTH_TOKEN=', gen(HEX, 32), '\n']], no: ['TWILIO_AUTH_TOKEN=${TWILIO}'] },
  'sendgrid-api-key': { yes: [t('SG.', `${gen(B64U, 22)}.${gen(B64U, 43)}`)], no: ['SG.abc'] },
  'mailgun-api-key': { yes: [t('key-', gen(HEX, 32))], no: ['a key-value store'] },
  'mailgun-signing-key': { yes: [['MAILGUN_SIGNING_KEY=', gen(HEX, 32), '\n']], no: ['MAILGUN_SIGNING_KEY=${KEY}'] },
  'mailchimp-api-key': { yes: [['MAILCHIMP_API_KEY=', `${gen(HEX, 32)}-us21`, '\n']], no: ['MAILCHIMP_API_KEY=abc'] },
  'postman-api-key': { yes: [t('PMAK-', `${gen(HEX, 24)}-${gen(HEX, 34)}`)], no: ['PMAK-abc'] },
  'linear-api-key': { yes: [t('lin_api_', gen(AN, 40))], no: ['lin_api_abc'] },
  'notion-integration-token': { yes: [t('secret_', gen(AN, 43))], no: ['the secret_sauce'] },
  'notion-api-token': { yes: [t('ntn_', gen(AN, 46))], no: ['ntn_abc'] },
  'razorpay-key-id': { yes: [t('rzp_live_', gen(AN, 14))], no: ['rzp_live_abc'] },
  // Packages
  'npm-token': { yes: [t('npm_', gen(AN, 36))], no: ['npm_config_registry'] },
  'pypi-token': { yes: [t('pypi-AgEIcHlwaS5vcmc', gen(B64U, 150))], no: ['pypi-AgEIcHlwaS5vcmcshort'] },
  'rubygems-api-key': { yes: [t('rubygems_', gen(HEX, 48))], no: ['rubygems_org'] },
  'crates-io-token': { yes: [t('cio', gen(AN, 32))], no: [`cio${gen(AN, 5)}`] },
  'clojars-token': { yes: [t('CLOJARS_', gen(LOW, 60))], no: ['CLOJARS_USER'] },
  'jfrog-api-key': { yes: [t('AKCp', gen(AN, 69))], no: [`AKCp${gen(AN, 20)}`] },
  // Observability
  'datadog-api-key': { yes: [['DD_API_KEY=', gen(HEX, 32), '\n']], no: ['DD_API_KEY=abc'] },
  'datadog-app-key': { yes: [['DD_APP_KEY: ', gen(HEX, 40), '\n']], no: ['DD_APP_KEY: ""'] },
  'sentry-dsn': { yes: [['https://', gen(HEX, 32), '@o123456.ingest.sentry.io/789']], no: [`https://${gen(HEX, 32)}@mail.internal/x`] },
  'sentry-org-token': { yes: [t('sntrys_', gen(B64, 100))], no: ['sntrys_abc'] },
  'sentry-user-token': { yes: [t('sntryu_', gen(HEX, 64))], no: ['sntryu_abc'] },
  'new-relic-user-key': { yes: [t('NRAK-', gen(UP, 27))], no: ['NRAK-ABC'] },
  'new-relic-ingest-key': { yes: [t('NRII-', gen(B64U, 32))], no: ['NRII-ABC'] },
  'grafana-cloud-token': { yes: [t('glc_', `${gen(B64, 100)}=`)], no: ['glc_abc'] },
  'grafana-service-account-token': { yes: [t('glsa_', `${gen(AN, 32)}_${gen(HEX, 8)}`)], no: [`glsa_${gen(AN, 32)}`] },
  // Key material
  'pem-rsa-private-key': { yes: [pemKey('key:\n', 'RSA PRIVATE KEY', 6, '\nafter')], no: ['-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----', pem('RSA PUBLIC KEY')] },
  'pem-ec-private-key': { yes: [pemKey('', 'EC PRIVATE KEY', 3, '\n')], no: ['-----BEGIN EC PRIVATE KEY-----\n<key>\n-----END EC PRIVATE KEY-----'] },
  'pem-dsa-private-key': { yes: [pemKey('', 'DSA PRIVATE KEY', 4, '')], no: [pem('DSA PARAMETERS', 2)] },
  'pem-openssh-private-key': { yes: [pemKey('$ cat id_ed25519\n', 'OPENSSH PRIVATE KEY', 5, '\n$ ')], no: ['-----BEGIN OPENSSH PRIVATE KEY-----\n[REDACTED]\n-----END OPENSSH PRIVATE KEY-----'] },
  'pem-pgp-private-key': { yes: [pemKey('', 'PGP PRIVATE KEY BLOCK', 8, '')], no: [pem('PGP PUBLIC KEY BLOCK', 3)] },
  'pem-encrypted-private-key': { yes: [pemKey('', 'ENCRYPTED PRIVATE KEY', 5, '')], no: ['-----BEGIN ENCRYPTED PRIVATE KEY-----\n...'] },
  'pem-private-key': { yes: [pemKey('', 'PRIVATE KEY', 5, ''), pemKey('x = """', 'PRIVATE KEY', 2, '"""')], no: [pem('PUBLIC KEY', 3), pem('CERTIFICATE', 3)] },
  'putty-private-key': { yes: [pemKey('', 'SSH2 ENCRYPTED PRIVATE KEY', 4, '')], no: ['-----BEGIN SSH2 PUBLIC KEY-----'] },
  jwt: { yes: [t('eyJ', `${gen(B64U, 30)}.eyJ${gen(B64U, 60)}.${gen(B64U, 43)}`)], no: ['eyJhbGciOiJIUzI1NiJ9 alone', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', `eyJ${gen(B64U, 30)}.${gen(B64U, 30)}.${gen(B64U, 43)}`] },
  // Web
  'database-connection-password': {
    yes: [['postgres://app:', gen(AN, 16), '@db.internal:5432/app'], ['mongodb+srv://svc:', gen(AN, 20), '@cluster0.mongodb.net/']],
    no: ['postgres://user:password@localhost/db', 'redis://:${REDIS_PASSWORD}@cache:6379'],
  },
  'url-credentials': { yes: [['https://deploy:', gen(AN, 20), '@git.internal/repo.git']], no: ['https://user:pass@example.com', 'see https://docs.internal/x'] },
  'basic-auth-header': { yes: [['Authorization: Basic ', btoa(`alice:${gen(AN, 16)}`), '\r\n']], no: ['the basic idea is simple', `Basic ${btoa('nocolonhere')}`] },
  'bearer-token': { yes: [['Authorization: Bearer ', gen(AN, 40), '\n']], no: ['Authorization: Bearer token', 'the bearer of bad news'] },
  // Command lines
  'command-line-password': {
    yes: [['curl -u deploy:', `${gen(AN, 12)}!`, ' https://api.internal/v1'], ["mysql -h db -u root -p'", `${gen(AN, 10)}#1`, "' app"],
      ['docker login registry.internal -u ci --password ', gen(AN, 20), '\n'], ['htpasswd -bc /etc/nginx/.htpasswd admin ', `${gen(AN, 9)}7`, '\n'],
      ['sshpass -p ', gen(AN, 12), ' ssh ops@host'], ['redis-cli -h cache -a ', gen(AN, 16), ' PING']],
    no: ['curl -u $USER:$PASS https://x', 'mysql -u root -p app', 'docker run -p 8080:80 nginx', 'use curl, then check.', 'curl -u user:<password> https://x'],
  },
  'command-line-secret-option': {
    yes: [['vault login --token=', `${gen(AN, 8)}-${gen(AN, 8)}`, ' -address=x'], ['mytool sync --api-key ', `${gen(AN, 20)}9`, ' --verbose']],
    no: ['kubectl --token $TOKEN get pods', 'mytool --password PASSWORD', 'the --token option', 'mytool --secret ./secret.txt'],
  },
  // Generic
  'generic-secret-assignment': {
    yes: [['password = "', 'Xk9#mQ2$vL7p', '"'], ['API_SECRET: ', gen(AN, 24), '\n'], ['{"client_secret":"', gen(AN, 30), '"}'], ['export DB_PASSWORD=', `${gen(AN, 12)}!`, '\n'],
      ['Server=tcp:sql.internal;User ID=admin;Password=', 'Q8f!kz2Lm#9p', ';'], ['jdbc:mysql://db:3306/app?user=root&password=', `${gen(AN, 14)}9`, ''],
      ['{"auths": {"registry.internal": {"auth": "', btoa(`ci:${gen(AN, 20)}`), '"}}}'], ['SIGNING_KEY=', gen(HEX, 64), '\n']],
    no: [
      'password = getPassword()', 'token: string;', 'PASSWORD=changeme', 'the password is hunter2', 'api_key = os.environ["API_KEY"]',
      'secret = config.secret', 'TOKEN_URL=https://auth.internal/token', 'source token: "github_webhook"',
      "GRANT_TYPE_REFRESH_TOKEN = 'refresh_token'", "TOKEN_ENDPOINT = '/v1/oauth/token'", 'input_tokens: u?.input_tokens ?? 0',
      "INPUT_TOKENS = 'gen_ai.usage.input_tokens'", "APIKeyScopeMissingError._errorName = 'BetaAPIKeyScopeMissingError'",
      '"tokenizer": "cl100k_base"', 'const workSecret = opts?.workSecret || readEnv()', 'const TOKEN_STRINGS = "[A-Za-z0-9._~+/-]+=*";',
      '"Unexpected_token_1012": "Neočekávaný token. Očekává se znak {."', '"authorization": "Bearer"', 'auth: true', "OAUTH_URL = 'x1'",
      'usage:{prompt_tokens:a.x_groq.usage.prompt_tokens||0,', 'prompt_tokens:e.usage.inputTokens+n+s,',
    ],
  },
};
