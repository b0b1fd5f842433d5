import type { CallMasker } from '../proxy/handle-call.ts';
import type { RedactionFinding } from '../mask/finding.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/** The masker with every finding also counted by rule; the masking itself is untouched. */
export function countingMasker(masker: CallMasker, metrics: GatewayMetrics): CallMasker {
  const counted = (onFinding: (finding: RedactionFinding) => void) => (finding: RedactionFinding) => {
    metrics.redaction(finding.rule);
    onFinding(finding);
  };
  return {
    sseMasker: (onFinding) => masker.sseMasker(counted(onFinding)),
    message: (body, onFinding) => masker.message(body, counted(onFinding)),
    batchResults: (body, onFinding) => masker.batchResults(body, counted(onFinding)),
    request(body, connection, action) {
      const scan = masker.request(body, connection, action);
      for (const finding of scan.findings) metrics.redaction(finding.rule);
      return scan;
    },
  };
}
