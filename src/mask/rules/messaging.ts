/** E-mail and SMS delivery: Twilio, SendGrid, Mailgun, Mailchimp. */
import { B64URL, HEX, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { assignmentRule, run, tokenRule } from './shapes.ts';

export const messagingRules: Rule[] = [
  // Twilio API key SIDs (SK + 32 hex) are paired with a secret; auth tokens are 32 hex.
  tokenRule({ id: 'twilio-api-key', keywords: ['SK'], then: [run(HEX, 32)] }),
  assignmentRule({ id: 'twilio-auth-token', keywords: ['twilio_auth_token', 'twilioauthtoken', 'twilio_token', 'twilio_secret'], value: [run(HEX, 32)] }),
  // SendGrid: SG.<22>.<43>
  tokenRule({ id: 'sendgrid-api-key', keywords: ['SG.'], then: [run(B64URL, 22), '.', run(B64URL, 43)] }),
  tokenRule({ id: 'mailgun-api-key', keywords: ['key-'], then: [run(HEX, 32)] }),
  assignmentRule({ id: 'mailgun-signing-key', keywords: ['mailgun_signing_key', 'mailgun_webhook_key'], value: [run(HEX, 32)] }),
  // Mailchimp: 32 hex and the data centre suffix, assigned to a mailchimp name.
  assignmentRule({ id: 'mailchimp-api-key', keywords: ['mailchimp', 'mc_api_key'], value: [run(HEX, 32), '-us', run(charset('0-9'), 1, 2)] }),
];
