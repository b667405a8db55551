import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * src/domain is pure: it may import zod and its own sibling files, nothing
 * else (no node:*, astro, react, drizzle, db/ or server code).
 */
const DOMAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/domain');

/** Every module specifier a source text imports, re-exports, imports dynamically or requires. */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) found.push(m[1]!);
  // A dynamic import or require of a computed name cannot be checked, so it is refused too.
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*([^'"`\s)][^)]*)\)/g)) found.push(`<computed: ${m[1]}>`);
  return found;
}

/** The specifiers a domain file may not use. */
function forbidden(source: string): string[] {
  return specifiers(source).filter((spec) => {
    if (spec === 'zod') return false;
    const sibling = /^\.\/([a-z0-9][a-z0-9-]*)(\.ts)?$/.exec(spec);
    if (!sibling) return true;
    return !existsSync(join(DOMAIN, `${sibling[1]}.ts`));
  });
}

const files = readdirSync(DOMAIN, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs|cjs|mts|cts)$/.test(e.name))
  .map((e) => join(e.parentPath, e.name));

describe('src/domain purity', () => {
  it('finds the domain files', () => {
    const names = files.map((f) => f.slice(DOMAIN.length + 1));
    expect(names).toEqual(expect.arrayContaining(['scoring.ts', 'instrument.ts', 'peers.ts', 'numbers.ts']));
  });

  it.each(files.map((f) => [f.slice(DOMAIN.length + 1), f]))('%s imports only zod and sibling domain files', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    expect(forbidden(source)).toEqual([]);
    expect(source).not.toMatch(/\bprocess\.(env|cwd|argv|exit)\b/);
  });
});

describe('the purity check itself', () => {
  describe.each([
    { name: 'node built-ins', source: "import { readFileSync } from 'node:fs';", bad: ['node:fs'] },
    { name: 'bare built-ins', source: "import path from 'path';", bad: ['path'] },
    { name: 'astro', source: "import { getCollection } from 'astro:content';", bad: ['astro:content'] },
    { name: 'react', source: "import React from 'react';", bad: ['react'] },
    { name: 'the database', source: "import { db } from '../../db/client.ts';", bad: ['../../db/client.ts'] },
    { name: 'server code', source: "import { loadInstrument } from '../server/instrument-loader.ts';", bad: ['../server/instrument-loader.ts'] },
    { name: 'a re-export', source: "export { eq } from 'drizzle-orm';", bad: ['drizzle-orm'] },
    { name: 'a side-effect import', source: "import 'node:process';", bad: ['node:process'] },
    { name: 'a dynamic import', source: "const fs = await import('node:fs/promises');", bad: ['node:fs/promises'] },
    { name: 'a computed dynamic import', source: 'const m = await import(name);', bad: ['<computed: name>'] },
    { name: 'a require', source: "const fs = require('fs');", bad: ['fs'] },
    { name: 'a multi-line import', source: "import {\n  a,\n  b,\n} from 'yaml';", bad: ['yaml'] },
    { name: 'a sibling that does not exist', source: "import { x } from './no-such-file.ts';", bad: ['./no-such-file.ts'] },
    { name: 'a file in a sub-folder', source: "import { x } from './sub/scoring.ts';", bad: ['./sub/scoring.ts'] },
    {
      name: 'zod and siblings',
      source: "import { z } from 'zod';\nimport type { Band } from './instrument.ts';\nexport { bandOf } from './bands.ts';\n// import x from 'node:fs'",
      bad: [],
    },
  ])('$name', ({ source, bad }) => {
    it(bad.length ? `is caught: ${bad.join(', ')}` : 'passes', () => {
      expect(forbidden(source)).toEqual(bad);
    });
  });
});
