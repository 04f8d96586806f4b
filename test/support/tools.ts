import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where CI runs (.ci/run installs the tools), a missing tool is a failure, not a skip. */
export const IN_CI = process.env.CI === 'true';

export function findExecutable(candidates: string[]): string | null {
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    try {
      return execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      // not on PATH
    }
  }
  return null;
}

/** `describe` when the tool exists (or in CI, where its absence must fail); else a skip that says why. */
export function describeWithTool(tool: string, path: string | null, name: string, body: () => void): void {
  if (path || IN_CI) describe(name, body);
  // The real tests, reported as skipped with the reason in their title.
  else describe.skip(`${name} (skipped: ${tool} is not installed here; .ci/run installs it, or: apt-get install ${tool})`, body);
}
