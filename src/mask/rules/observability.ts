/** Monitoring and error tracking: Datadog, Sentry, New Relic, Grafana. */
import { B64, HEX, UPPER_ALNUM, charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { ANYWHERE, type Rule } from './rule.ts';
import { assignmentRule, run, tokenRule } from './shapes.ts';

const HOST = charset('a-z0-9.-');

/**
 * Sentry DSNs: https://<32 hex key>@<org>.ingest.sentry.io/<project>. The key is redacted; the
 * rule needs "sentry" in the host, which comes after the key.
 */
const sentryDsn: Rule = {
  id: 'sentry-dsn',
  keywords: ['://'],
  foldCase: false,
  start: ANYWHERE,
  redactsAfterKeyword: true,
  match(r: Reader, _kwStart, kwEnd) {
    let n = 0;
    while (n <= 32 && HEX(r.at(kwEnd + n))) n++;
    if (n !== 32 || r.at(kwEnd + n) !== 64 /* @ */) return null;
    let host = kwEnd + n + 1;
    const hostStart = host;
    while (host - hostStart < 100 && HOST(r.at(host))) host++;
    if (!r.slice(hostStart, host).includes('sentry')) return null;
    return { start: kwEnd, end: kwEnd + n };
  },
};

export const observabilityRules: Rule[] = [
  assignmentRule({
    id: 'datadog-api-key',
    keywords: ['dd_api_key', 'datadog_api_key', 'dd-api-key', 'ddapikey', 'datadogapikey'],
    value: [run(HEX, 32)],
  }),
  assignmentRule({
    id: 'datadog-app-key',
    keywords: ['dd_app_key', 'dd_application_key', 'datadog_app_key', 'dd-application-key', 'ddappkey'],
    value: [run(HEX, 40)],
  }),
  sentryDsn,
  tokenRule({ id: 'sentry-org-token', keywords: ['sntrys_'], then: [run(charset('A-Za-z0-9+/=_'), 60, 400)] }),
  tokenRule({ id: 'sentry-user-token', keywords: ['sntryu_'], then: [run(HEX, 64)] }),
  tokenRule({ id: 'new-relic-user-key', keywords: ['NRAK-'], then: [run(UPPER_ALNUM, 27)] }),
  tokenRule({ id: 'new-relic-ingest-key', keywords: ['NRII-'], then: [run(charset('A-Za-z0-9_-'), 32)] }),
  tokenRule({ id: 'grafana-cloud-token', keywords: ['glc_'], then: [run(B64, 32, 400), run(charset('='), 0, 2)], end: charset('A-Za-z0-9+/=') }),
  tokenRule({ id: 'grafana-service-account-token', keywords: ['glsa_'], then: [run(charset('A-Za-z0-9'), 32), '_', run(HEX, 8)] }),
];
