import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const probe = fileURLToPath(new URL('./fail-closed-probe.ts', import.meta.url));

type ProbeResult = {
  hasWebAssembly: boolean;
  ready: boolean;
  outcomes: { name: string; code: string | null; produced: boolean }[];
  unhandled: string[];
};

function runProbe(nodeFlags: string[]): ProbeResult {
  const result = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', probe], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (!line.startsWith('{')) throw new Error(`probe printed no result: ${result.stdout}\n${result.stderr}`);
  return JSON.parse(line) as ProbeResult;
}

describe('fail closed', () => {
  it('with WebAssembly disabled (node --noexpose_wasm) every operation throws unavailable and produces nothing', () => {
    const result = runProbe(['--noexpose_wasm']);
    expect(result.hasWebAssembly).toBe(false);
    expect(result.ready).toBe(false);
    expect(result.outcomes.length).toBeGreaterThanOrEqual(15);
    for (const outcome of result.outcomes) {
      expect(outcome, outcome.name).toMatchObject({ code: 'unavailable', produced: false });
    }
    // The only stray error is libsodium's own loader failing to find WebAssembly.
    for (const reason of result.unhandled) expect(reason).toContain('WebAssembly is not defined');
  }, 60_000);

  it('the same probe with WebAssembly available does produce keys (so the probe can tell the difference)', () => {
    const result = runProbe([]);
    expect(result.hasWebAssembly).toBe(true);
    expect(result.ready).toBe(true);
    const byName = new Map(result.outcomes.map((o) => [o.name, o]));
    for (const name of ['ensureCryptoReady', 'createReceipt', 'createOrganisationKey', 'createReviewerKeys', 'createTeamKey']) {
      expect(byName.get(name)?.code, name).toBeNull();
    }
    expect(byName.get('createReceipt')?.produced).toBe(true);
    expect(result.unhandled).toEqual([]);
  }, 60_000);
});
