/** Chat platforms: Slack, Discord, Telegram and Microsoft Teams tokens and webhook URLs. */
import { ALNUM, B64URL, DIGIT, charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { after, type Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

const SLACK_BODY = charset('A-Za-z0-9-');
const URL_PATH = charset('A-Za-z0-9_/@-');

/** The part of a webhook URL after its fixed host and path: the secret. */
function webhook(id: string, keywords: string[], min: number): Rule {
  return tokenRule({ id, keywords, then: [run(URL_PATH, min, 300)], end: URL_PATH, start: after(charset('/.')) });
}

/**
 * Telegram bot tokens: <bot id, 8-10 digits>:AA<33 url-safe base64>, alone or in a Bot API URL.
 * The part after ":AA" is redacted: the bot id is public, and every token's secret part begins
 * with "AA", which tells nothing.
 */
const telegramBotToken: Rule = {
  id: 'telegram-bot-token',
  keywords: [':AA'],
  foldCase: false,
  start: after(DIGIT),
  match(r: Reader, kwStart, kwEnd) {
    let digits = 0;
    while (digits <= 10 && DIGIT(r.at(kwStart - 1 - digits))) digits++;
    const before = kwStart - 1 - digits;
    // In the Bot API's URLs the token follows "/bot": https://api.telegram.org/bot<token>/getMe
    const inUrl = r.startsWith(before - 3, '/bot');
    if (digits < 8 || digits > 10 || (ALNUM(r.at(before)) && !inUrl)) return null;
    let n = 0;
    while (n <= 33 && B64URL(r.at(kwEnd + n))) n++;
    if (n !== 33) return null;
    return { start: kwEnd, end: kwEnd + n, whole: before + 1 };
  },
  redactsAfterKeyword: true,
};

/**
 * Discord bot tokens carry no prefix: base64(the bot's user id).<6: timestamp>.<27-38: HMAC>.
 * A user id is a snowflake, 17 to 20 decimal digits, so the first part always begins with the
 * base64 of three digits (the keywords), and must decode to digits only. Those four characters
 * (the first digits of the public user id) stay readable; the rest is redacted.
 */
const discordBotToken: Rule = tokenRule({
  id: 'discord-bot-token',
  keywords: snowflakePrefixes(),
  then: [run(B64URL, 19, 24), '.', run(B64URL, 6, 7), '.', run(B64URL, 27, 38)],
  check: (_secret, token) => /^[0-9]{17,20}$/.test(decodeBase64Url(token.slice(0, token.indexOf('.')))),
});

function snowflakePrefixes(): string[] {
  const prefixes: string[] = [];
  for (let n = 100; n <= 999; n++) prefixes.push(btoa(String(n)));
  return prefixes;
}

function decodeBase64Url(text: string): string {
  try {
    return atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4));
  } catch {
    return '';
  }
}

export const chatRules: Rule[] = [
  tokenRule({ id: 'slack-bot-token', keywords: ['xoxb-'], then: [run(DIGIT, 10, 13), '-', run(DIGIT, 10, 13), '-', run(ALNUM, 24, 34)] }),
  tokenRule({ id: 'slack-user-token', keywords: ['xoxp-'], then: [run(SLACK_BODY, 40, 120)] }),
  tokenRule({ id: 'slack-app-token', keywords: ['xapp-'], then: [run(DIGIT, 1), '-', run(SLACK_BODY, 30, 120)], redactFrom: 2 }),
  tokenRule({ id: 'slack-config-token', keywords: ['xoxe.xoxp-', 'xoxe-'], then: [run(SLACK_BODY, 30, 200)] }),
  tokenRule({ id: 'slack-legacy-token', keywords: ['xoxa-', 'xoxr-', 'xoxs-', 'xoxo-'], then: [run(SLACK_BODY, 30, 120)] }),
  webhook('slack-webhook-url', ['hooks.slack.com/services/', 'hooks.slack.com/workflows/', 'hooks.slack.com/triggers/'], 30),
  webhook('discord-webhook-url', ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'], 60),
  webhook('teams-webhook-url', ['webhook.office.com/webhookb2/', 'outlook.office.com/webhook/'], 60),
  discordBotToken,
  telegramBotToken,
];
