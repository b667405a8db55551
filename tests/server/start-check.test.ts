import { describe, expect, it } from 'vitest';
// Plain JavaScript, so that an old Node can parse it; typed by its JSDoc.
import { nodeVersionProblem } from '../../scripts/start.mjs';

/** Issue 14: npm start checks the Node version before anything else (scripts/start.mjs). */
describe('nodeVersionProblem', () => {
  it.each(['22.12.0', '22.13.1', '23.0.0', '24.21.0', 'v24.1.0', '30.0.0'])('accepts Node %s', (v) => {
    expect(nodeVersionProblem(v)).toBeNull();
  });

  it.each(['20.19.0', '22.11.9', '18.20.4', 'v16.0.0', 'not a version'])('refuses Node %s, saying what to do', (v) => {
    const problem = nodeVersionProblem(v) as string;
    expect(problem).toContain('needs Node 22.12 or newer');
    expect(problem).toContain(`this is Node ${v}`);
    expect(problem).toContain('eval "$(scripts/use-node24.sh)"');
    expect(problem).toContain('install Node 24');
  });
});
