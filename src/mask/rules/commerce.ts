/** Payments and commerce: Stripe, Square, Braintree, Plaid, Flutterwave, Shopify, Razorpay. */
import { ALNUM, B64URL, HEX, LOWER_ALNUM, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

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
  tokenRule({ id: 'razorpay-key-id', keywords: ['rzp_live_'], then: [run(ALNUM, 14)] }),
];
