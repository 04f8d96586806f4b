import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * `../shared` lies beside the clone (CI puts it there). Tests that read the vendors' OpenAPI
 * documents need it; where it is absent they skip and say why instead of failing.
 */
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');
export const SPECS_DIR = path.join(SHARED_DIR, 'upstream-specs');
export const hasShared = existsSync(SPECS_DIR);

/** `describe`, or `describe.skip` with a message naming the missing folder. */
export function describeWithShared(name: string, body: () => void): void {
  if (hasShared) {
    describe(name, body);
  } else {
    // The real tests, reported as skipped with the reason in their title.
    describe.skip(`${name} (skipped: ${SPECS_DIR} is absent; these tests validate against the vendors' OpenAPI documents kept there)`, body);
  }
}
