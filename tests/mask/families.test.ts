/**
 * The forms people paste that a masker must catch (issue 10), each written from the format's
 * documentation: credentials on command lines, assignments that are not `NAME=value`, tokens
 * recognised by structure alone, a secret near its key id, and only the secret redacted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactWhole, Redactor, type SpanFinding } from '../../src/mask/redactor.ts';
import { AN, B64U, D, HEX, gen, ruleset } from './fixtures.ts';

function redact(text: string): { out: string; findings: SpanFinding[] } {
  const findings: SpanFinding[] = [];
  return { out: redactWhole(ruleset, text, (f) => findings.push(f)), findings };
}

/** Redacts `template` with each {} replaced by a secret; expects exactly those spans redacted, by `rule`. */
function expectRedacted(rule: string, template: string, secrets: string[]): void {
  const parts = template.split('{}');
  assert.equal(parts.length, secrets.length + 1);
  const text = parts.map((part, i) => part + (secrets[i] ?? '')).join('');
  const { out, findings } = redact(text);
  const expected = parts.map((part, i) => part + (i < secrets.length ? `[REDACTED:${rule}]` : '')).join('');
  assert.equal(out, expected, `in ${JSON.stringify(text)}`);
  assert.deepEqual(findings.map((f) => f.original), secrets);
  // Streamed one character at a time: the same output.
  const streamed = new Redactor(ruleset, 4096, () => {});
  assert.equal([...text].map((c) => streamed.push(c)).join('') + streamed.end(), expected);
}

const password = () => `${gen(AN, 10)}!7`;

test('command lines: curl, wget, mysql, mongo, redis-cli, docker login, git, htpasswd, sshpass, quoted or not', () => {
  const rule = 'command-line-password';
  expectRedacted(rule, 'curl -u admin:{} https://api.internal/health', [password()]);
  expectRedacted(rule, "curl --user 'admin:{}' -X POST https://x", [password()]);
  expectRedacted(rule, 'curl -sS -uadmin:{} https://x', [password()]);
  expectRedacted(rule, 'wget --user=ops --password={} https://files.internal/a.tgz', [password()]);
  expectRedacted(rule, "mysql -h db -u root -p'{}' shop", [password()]);
  expectRedacted(rule, 'mysqldump -uroot -p{} --all-databases > dump.sql', [password()]);
  expectRedacted(rule, 'mysql --password="{}" -e "select 1"', [password()]);
  expectRedacted(rule, 'mongosh "mongodb://db:27017" -u admin -p {} --authenticationDatabase admin', [password()]);
  expectRedacted(rule, 'redis-cli -h cache -p 6379 -a {} INFO', [password()]);
  expectRedacted(rule, 'docker login -u ci -p {} registry.internal', [password()]);
  expectRedacted(rule, 'htpasswd -bc /etc/nginx/.htpasswd admin {}', [password()]);
  expectRedacted(rule, 'htpasswd -nb admin {}', [password()]);
  expectRedacted(rule, 'sshpass -p "{}" ssh root@10.0.0.5', [password()]);
  expectRedacted(rule, 'psql "host=db user=app password={} dbname=app"', [password()]);
  expectRedacted(rule, 'curl \\\n  -u admin:{} \\\n  https://x', [password()]);
  expectRedacted('url-credentials', 'git clone https://deploy:{}@git.internal/app.git', [password()]);
  expectRedacted('command-line-secret-option', 'terraform login --token {} --verbose', [password()]);
});

test('command lines: what is not a password stays', () => {
  for (const text of [
    'curl -u "$USER:$PASS" https://x', 'mysql -u root -p shop', 'docker run -p 8080:80 -e X=1 nginx', 'curl -u admin https://x',
    'sshpass -f ~/.pw ssh host', 'htpasswd -c .htpasswd admin', 'I use curl, mostly. The -u flag takes user:pass.', 'redis-cli -a $REDIS_PASSWORD ping',
  ]) {
    assert.deepEqual(redact(text).findings.map((f) => f.rule), [], text);
  }
});

test('assignments that are not NAME=value: markup, subscripts, map entries, name/value pairs on separate lines', () => {
  const rule = 'generic-secret-assignment';
  const secret = () => `${gen(AN, 14)}9x`;
  expectRedacted(rule, '<password>{}</password>', [secret()]);
  expectRedacted(rule, '<add key="ApiKey" value="{}" />', [secret()]);
  expectRedacted(rule, '<entry key="db.password">{}</entry>', [secret()]);
  expectRedacted(rule, '<property name="jdbc.password" value="{}"/>', [secret()]);
  expectRedacted(rule, "settings['TOKEN'] = '{}'", [secret()]);
  expectRedacted(rule, 'os.environ["X_SECRET"] = "{}"', [secret()]);
  expectRedacted(rule, "$config['db_password'] = '{}';", [secret()]);
  expectRedacted(rule, "define('DB_PASSWORD', '{}');", [secret()]);
  expectRedacted(rule, 'config[:api_key] = "{}"', [secret()]);
  expectRedacted(rule, 'env:\n  - name: SOME_API_KEY\n    value: {}\n  - name: LOG_LEVEL\n    value: info', [secret()]);
  expectRedacted(rule, '        - name: "DB_PASSWORD"\n          value: "{}"\n', [secret()]);
  expectRedacted(rule, '"environment": [{"name": "AUTH_TOKEN", "value": "{}"}]', [secret()]);
  // Random letters with no digit: mixed case in short pieces is not a camelCase name, and a
  // bare YAML value is a string, not a variable.
  expectRedacted(rule, 'ENV["API_KEY"] = "{}"', ['UjqwEDHRoyMaB']);
  expectRedacted(rule, '  - name: SOME_API_KEY\n    value: {}\n', ['UopDCjsuRGKXhpPPWEvi']);
  assert.deepEqual(redact('password = userPassword\nSECRET = "SecretKeyValue"').findings, []);
  // In a .env file "&" is part of the value; in a query string it starts the next parameter.
  expectRedacted(rule, 'DB_PASSWORD={}\n', ['hLBmOuJ3vG&dBCT']);
  expectRedacted(rule, 'jdbc:mysql://db/app?password={}&useSSL=true', ['hLBmOuJ3vG9dBCT']);
});

test('tokens with no keyword, recognised by structure: Discord and Telegram bot tokens', () => {
  // The first four characters (the first digits of the bot's public user id) stay readable.
  const discord = `${btoa(`1${gen(D, 18)}`).replace(/=+$/, '')}.${gen(B64U, 6)}.${gen(B64U, 38)}`;
  const [start, rest] = [discord.slice(0, 4), discord.slice(4)];
  expectRedacted('discord-bot-token', `client.login("${start}{}")`, [rest]);
  expectRedacted('discord-bot-token', `token ${start}{} works`, [rest]);
  // The bot id and the "AA" every token's secret part begins with stay readable.
  const id = `${gen('1-9', 1)}${gen(D, 9)}`;
  const body = gen(B64U, 33);
  expectRedacted('telegram-bot-token', `curl https://api.telegram.org/bot${id}:AA{}/getMe`, [body]);
  expectRedacted('telegram-bot-token', `bot = Bot("${id}:AA{}")`, [body]);
  // Three dotted base64 parts whose first does not decode to a numeric id are not a Discord token.
  assert.deepEqual(redact(`${btoa('hello world, yes!')}.${gen(B64U, 6)}.${gen(B64U, 38)}`).findings, []);
});

test('a cloud secret in prose near its key id is redacted; the id is its own finding', () => {
  const id = `AKIA${gen('A-Z2-7', 16)}`;
  const secret = `${gen('A-Z', 3)}${gen('a-z', 3)}${gen('0-9', 3)}${gen('A-Za-z0-9/+', 31)}`;
  const { out, findings } = redact(`Use access key ${id} with secret ${secret} for the deploy user.`);
  assert.equal(out, 'Use access key AKIA[REDACTED:aws-access-key-id] with secret [REDACTED:aws-secret-access-key] for the deploy user.');
  assert.deepEqual(findings.map((f) => f.original), [id.slice(4), secret]);
  // Without an id nearby, a 40-character string is just a string (a commit hash, a checksum).
  assert.deepEqual(redact(`commit ${gen(HEX, 40)} and ${gen('A-Za-z', 40)}`).findings, []);
});

test('only the secret is redacted: ids, client ids and key ids next to it stay readable', () => {
  const keyId = gen(HEX, 40);
  const clientId = gen(D, 21);
  const json = `{"type": "service_account", "private_key_id": "${keyId}", "client_id": "${clientId}", "client_secret": "${gen(AN, 24)}x9"}`;
  const { out, findings } = redact(json);
  assert.ok(out.includes(keyId) && out.includes(clientId), out);
  assert.deepEqual(findings.map((f) => f.rule), ['generic-secret-assignment']);
  for (const text of [`AUTH0_CLIENT_ID=${gen(AN, 32)}`, `"secretName": "${gen(AN, 20)}1"`, `api_key_id: ${gen(AN, 20)}1`, `TOKEN_TYPE=${gen(AN, 12)}2`]) {
    assert.deepEqual(redact(text).findings, [], text);
  }
});

test('the families are caught in tool input (streamed) and in non-streamed bodies too', async () => {
  const { createMasker } = await import('../../src/mask/index.ts');
  const { config } = await import('./fixtures.ts');
  const { assemble, blockStart, blockStop, bytes, jsonDelta, messageStart, messageStop, parseEvents, run, text } = await import('./sse-support.ts');
  const masker = createMasker(config());
  const secret = password();
  const command = `mysql -h db -u root -p'${secret}' shop`;
  const manifest = `env:\n  - name: SOME_API_KEY\n    value: ${secret}x9\n`;

  // Streamed tool input, its JSON cut into one-character fragments.
  const inputJson = JSON.stringify({ command });
  const stream = messageStart() + blockStart(0, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: {} }) +
    [...inputJson].map((c) => jsonDelta(0, c)).join('') + blockStop(0) + messageStop();
  const out = text(await run(masker.sse(() => {}), [bytes(stream)]));
  assert.ok(!out.includes(secret), 'secret reached the client in tool input');
  assert.deepEqual(JSON.parse(assemble(parseEvents(out)).json.get(0)!), { command: "mysql -h db -u root -p'[REDACTED:command-line-password]' shop" });

  // A non-streamed body: text and tool input.
  const body = new TextEncoder().encode(JSON.stringify({
    id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 },
    content: [{ type: 'text', text: manifest }, { type: 'tool_use', id: 'toolu_2', name: 'bash', input: { command } }],
  }));
  const masked = JSON.parse(new TextDecoder().decode(masker.message(body, () => {})));
  assert.equal(masked.content[0].text, 'env:\n  - name: SOME_API_KEY\n    value: [REDACTED:generic-secret-assignment]\n');
  assert.equal(masked.content[1].input.command, "mysql -h db -u root -p'[REDACTED:command-line-password]' shop");
});
