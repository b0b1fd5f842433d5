/** Cloud platforms: AWS, Google Cloud, Azure, DigitalOcean and other infrastructure providers. */
import { ALNUM, B64, B64URL, DIGIT, HEX, LOWER_ALNUM, UPPER_ALNUM, charset } from './charset.ts';
import { NAME_START, after, type Rule } from './rule.ts';
import { keyPairRules } from './key-pairs.ts';
import { assignmentRule, run, tokenRule } from './shapes.ts';

const SAS_SIGNATURE = charset('A-Za-z0-9%+/=');

export const cloudRules: Rule[] = [
  // AWS access key ids: a 4-letter kind (AKIA long-term, ASIA temporary, ...) and 16 base32.
  tokenRule({ id: 'aws-access-key-id', keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], then: [run(UPPER_ALNUM, 16)] }),
  // Secret access keys have no prefix: see key-pairs.ts.
  ...keyPairRules,
  assignmentRule({
    id: 'aws-session-token',
    keywords: ['aws_session_token', 'sessiontoken', 'aws-session-token'],
    value: [run(charset('A-Za-z0-9/+='), 100, 2000)],
  }),
  // Google API keys: "AIza" and 35 url-safe base64 characters.
  tokenRule({ id: 'gcp-api-key', keywords: ['AIza'], then: [run(B64URL, 35)] }),
  tokenRule({ id: 'gcp-oauth-client-secret', keywords: ['GOCSPX-'], then: [run(B64URL, 28)] }),
  tokenRule({ id: 'google-oauth-access-token', keywords: ['ya29.'], then: [run(charset('A-Za-z0-9_.-'), 30, 2048)] }),
  tokenRule({ id: 'google-oauth-refresh-token', keywords: ['1//0'], then: [run(B64URL, 40, 512)] }),
  // Azure storage: AccountKey=<88 base64> in connection strings.
  tokenRule({
    id: 'azure-storage-account-key',
    keywords: ['AccountKey='],
    then: [run(B64, 86), run(charset('='), 0, 2)],
    end: charset('A-Za-z0-9+/='),
   
    foldCase: true,
    start: NAME_START,
  }),
  // Shared access signatures: the sig= parameter of a SAS URL or token.
  tokenRule({
    id: 'azure-sas-signature',
    keywords: ['sig='],
    then: [run(SAS_SIGNATURE, 40, 120)],
    end: SAS_SIGNATURE,
   
    check: (v) => /%2[bBfF]|%3[dD]|[+/=]/.test(v) || v.length >= 43,
  }),
  // Entra ID (Azure AD) client secrets: 3 characters, a digit, "Q~", 31-34 more. The part after
  // "Q~" is redacted (the 4 characters before it cannot be used alone; the portal shows them).
  tokenRule({ id: 'azure-ad-client-secret', keywords: ['Q~'], then: [run(charset('A-Za-z0-9_~.-'), 31, 34)], start: after(DIGIT) }),
  tokenRule({ id: 'digitalocean-pat', keywords: ['dop_v1_'], then: [run(HEX, 64)] }),
  tokenRule({ id: 'digitalocean-oauth-token', keywords: ['doo_v1_'], then: [run(HEX, 64)] }),
  tokenRule({ id: 'digitalocean-refresh-token', keywords: ['dor_v1_'], then: [run(HEX, 64)] }),
  tokenRule({ id: 'alibaba-access-key-id', keywords: ['LTAI'], then: [run(ALNUM, 12, 20)] }),
  tokenRule({ id: 'doppler-token', keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'], then: [run(ALNUM, 40, 44)] }),
  tokenRule({ id: 'pulumi-access-token', keywords: ['pul-'], then: [run(HEX, 40)] }),
  // Terraform Cloud: <14 chars>.atlasv1.<60+ chars>; the part after the marker is redacted.
  tokenRule({ id: 'terraform-cloud-token', keywords: ['atlasv1.'], then: [run(charset('A-Za-z0-9_=-'), 60, 100)], start: after(charset('.')) }),
  tokenRule({ id: 'tailscale-key', keywords: ['tskey-'], then: [run(charset('a-z'), 3, 10), '-', run(charset('A-Za-z0-9-'), 20, 100)], redactFrom: 2 }),
  tokenRule({ id: 'heroku-api-key', keywords: ['HRKU-'], then: [run(B64URL, 40, 80)] }),
  tokenRule({ id: 'fly-io-token', keywords: ['fm2_'], then: [run(charset('A-Za-z0-9+/=_-'), 40, 4096)] }),
  tokenRule({ id: 'cloudflare-origin-ca-key', keywords: ['v1.0-'], then: [run(HEX, 24), '-', run(HEX, 146)] }),
  tokenRule({ id: 'nuget-api-key', keywords: ['oy2'], then: [run(LOWER_ALNUM, 43)] }),
  tokenRule({ id: 'docker-hub-pat', keywords: ['dckr_pat_'], then: [run(B64URL, 27, 40)] }),
  tokenRule({ id: 'vault-service-token', keywords: ['hvs.'], then: [run(B64URL, 24, 200)] }),
  tokenRule({ id: 'vault-batch-token', keywords: ['hvb.'], then: [run(B64URL, 24, 300)] }),
  tokenRule({ id: 'vault-recovery-token', keywords: ['hvr.'], then: [run(B64URL, 24, 200)] }),
  tokenRule({ id: 'onepassword-service-account-token', keywords: ['ops_eyJ'], then: [run(charset('A-Za-z0-9+/=_-'), 100, 2000)] }),
  tokenRule({ id: 'age-secret-key', keywords: ['AGE-SECRET-KEY-1'], then: [run(charset('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'), 58)] }),
  tokenRule({ id: 'dynatrace-token', keywords: ['dt0c01.'], then: [run(UPPER_ALNUM, 24), '.', run(UPPER_ALNUM, 64)] }),
];
