/** Source hosting: GitHub, GitLab, Bitbucket and Atlassian token formats. */
import { ALNUM, HEX, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

/** GitHub tokens: a three-letter kind, "_", 36 alphanumerics (the last 6 a checksum). */
function github(id: string, prefix: string, max = 36): Rule {
  return tokenRule({ id, keywords: [prefix], then: [run(ALNUM, 36, max)] });
}

/** GitLab tokens: a documented prefix and a 20+ character body (newer ones carry dots). */
function gitlab(id: string, prefix: string): Rule {
  return tokenRule({ id, keywords: [prefix], then: [run(charset('A-Za-z0-9_.-'), 20, 100)] });
}

export const vcsRules: Rule[] = [
  github('github-pat', 'ghp_'),
  github('github-oauth-token', 'gho_'),
  github('github-user-to-server-token', 'ghu_'),
  github('github-server-to-server-token', 'ghs_'),
  github('github-refresh-token', 'ghr_', 80),
  // github_pat_<22 alphanumerics>_<59 alphanumerics>
  tokenRule({ id: 'github-fine-grained-pat', keywords: ['github_pat_'], then: [run(ALNUM, 22), '_', run(ALNUM, 59)] }),
  gitlab('gitlab-pat', 'glpat-'),
  tokenRule({ id: 'gitlab-pipeline-trigger-token', keywords: ['glptt-'], then: [run(HEX, 40)] }),
  gitlab('gitlab-runner-token', 'glrt-'),
  gitlab('gitlab-deploy-token', 'gldt-'),
  gitlab('gitlab-feed-token', 'glft-'),
  gitlab('gitlab-oauth-app-secret', 'gloas-'),
  gitlab('gitlab-cicd-job-token', 'glcbt-'),
  gitlab('gitlab-agent-token', 'glagent-'),
  // Bitbucket app passwords and Atlassian API tokens.
  tokenRule({ id: 'bitbucket-app-password', keywords: ['ATBB'], then: [run(charset('A-Za-z0-9_=.-'), 28, 64)] }),
  tokenRule({ id: 'atlassian-api-token', keywords: ['ATATT'], then: [run(charset('A-Za-z0-9_=-'), 100, 300)] }),
  tokenRule({ id: 'sourcegraph-access-token', keywords: ['sgp_'], then: [run(charset('A-Za-z0-9_'), 40, 80)] }),
  tokenRule({ id: 'sonarqube-token', keywords: ['squ_', 'sqp_', 'sqa_'], then: [run(HEX, 40)] }),
];
