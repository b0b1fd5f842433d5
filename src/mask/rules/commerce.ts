/** Payments, commerce and transactional e-mail/SMS providers. */
import { ALNUM, B64URL, HEX, LOWER_ALNUM, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { assignmentRule, run, tokenRule } from './shapes.ts';

const UUID = [run(HEX, 8), '-', run(HEX, 4), '-', run(HEX, 4), '-', run(HEX, 4), '-', run(HEX, 12)];

function shopify(id: string, prefix: string): Rule {
  return tokenRule({ id, keywords: [prefix], then: [run(charset('0-9a-fA-F'), 32)] });
}

export const commerceRules: Rule[] = [
  tokenRule({ id: 'stripe-secret-key', keywords: ['sk_live_'], then: [run(ALNUM, 24, 247)] }),
  tokenRule({ id: 'stripe-test-secret-key', keywords: ['sk_test_'], then: [run(ALNUM, 24, 247)] }),
  tokenRule({ id: 'stripe-restricted-key', keywords: ['rk_live_', 'rk_test_'], then: [run(ALNUM, 24, 247)] }),
  tokenRule({ id: 'stripe-webhook-secret', keywords: ['whsec_'], then: [run(charset('A-Za-z0-9+/='), 32, 100)] }),
  tokenRule({ id: 'square-access-token', keywords: ['sq0atp-', 'EAAA'], then: [run(B64URL, 22, 60)] }),
  tokenRule({ id: 'square-oauth-secret', keywords: ['sq0csp-'], then: [run(B64URL, 43)] }),
  // access_token$production$<16>$<32 hex>
  tokenRule({
    id: 'braintree-access-token',
    keywords: ['access_token$production$', 'access_token$sandbox$'],
    then: [run(LOWER_ALNUM, 16), '$', run(HEX, 32)],
  }),
  tokenRule({ id: 'plaid-access-token', keywords: ['access-production-', 'access-development-', 'access-sandbox-'], then: UUID }),
  tokenRule({ id: 'flutterwave-secret-key', keywords: ['FLWSECK-', 'FLWSECK_TEST-'], then: [run(HEX, 32), '-X'] }),
  shopify('shopify-access-token', 'shpat_'),
  shopify('shopify-custom-app-token', 'shpca_'),
  shopify('shopify-private-app-token', 'shppa_'),
  shopify('shopify-shared-secret', 'shpss_'),
  // Twilio API key SIDs (SK + 32 hex) are paired with a secret; auth tokens are 32 hex.
  tokenRule({ id: 'twilio-api-key', keywords: ['SK'], then: [run(HEX, 32)] }),
  assignmentRule({ id: 'twilio-auth-token', keywords: ['twilio_auth_token', 'twilioauthtoken', 'twilio_token', 'twilio_secret'], value: [run(HEX, 32)] }),
  // SendGrid: SG.<22>.<43>
  tokenRule({ id: 'sendgrid-api-key', keywords: ['SG.'], then: [run(B64URL, 22), '.', run(B64URL, 43)] }),
  tokenRule({ id: 'mailgun-api-key', keywords: ['key-'], then: [run(HEX, 32)] }),
  assignmentRule({ id: 'mailgun-signing-key', keywords: ['mailgun_signing_key', 'mailgun_webhook_key'], value: [run(HEX, 32)] }),
  // Mailchimp: 32 hex and the data centre suffix, assigned to a mailchimp name.
  assignmentRule({ id: 'mailchimp-api-key', keywords: ['mailchimp', 'mc_api_key'], value: [run(HEX, 32), '-us', run(charset('0-9'), 1, 2)] }),
  tokenRule({ id: 'postman-api-key', keywords: ['PMAK-'], then: [run(HEX, 24), '-', run(HEX, 34)] }),
  tokenRule({ id: 'linear-api-key', keywords: ['lin_api_'], then: [run(ALNUM, 40)] }),
  tokenRule({ id: 'notion-integration-token', keywords: ['secret_'], then: [run(ALNUM, 43)] }),
  tokenRule({ id: 'notion-api-token', keywords: ['ntn_'], then: [run(ALNUM, 40, 50)] }),
  tokenRule({ id: 'razorpay-key-id', keywords: ['rzp_live_'], then: [run(ALNUM, 14)] }),
];
