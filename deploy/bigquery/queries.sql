-- Example audit queries over the `exchanges` view (deploy/bigquery/create-table.sh).
-- Replace `example-project.scribe` with your project and dataset.

-- Who called, how often, with how many tokens, in the last 7 days.
SELECT identity.email, identity.subject, COUNT(*) AS calls,
       SUM(INT64(usage.input_tokens)) AS input_tokens, SUM(INT64(usage.output_tokens)) AS output_tokens
FROM `example-project.scribe.exchanges`
WHERE time.start >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 7 DAY)
GROUP BY 1, 2 ORDER BY calls DESC;

-- Every call refused by policy (403, 429) and why.
SELECT time.start, identity.email, connection, outcome.detail
FROM `example-project.scribe.exchanges`
WHERE outcome.status = 'rejected'
ORDER BY time.start DESC LIMIT 100;

-- Secrets redacted, by rule and caller (originals are sealed; only their hashes are here).
SELECT f.rule, identity.email, COUNT(*) AS redactions
FROM `example-project.scribe.exchanges`, UNNEST(findings) AS f
GROUP BY 1, 2 ORDER BY redactions DESC;

-- Calls that did not complete: upstream errors, timeouts, clients that went away.
SELECT outcome.status, connection, COUNT(*) AS calls, APPROX_QUANTILES(time.ttfbMs, 100)[OFFSET(50)] AS median_ttfb_ms
FROM `example-project.scribe.exchanges`
WHERE outcome.status != 'complete'
GROUP BY 1, 2;

-- Records per writer chain and day (each replica writes its own chain): a gap in a chain
-- shows as a missing sequence number; `scribe verify` checks this exactly.
SELECT chain.instance, DATE(time.start) AS day, COUNT(*) AS records, MIN(chain.seq) AS first_seq, MAX(chain.seq) AS last_seq
FROM `example-project.scribe.exchanges`
GROUP BY 1, 2 ORDER BY 1, 2;
