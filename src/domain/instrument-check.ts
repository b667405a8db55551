import type { z } from 'zod';
import { optionsOf } from './answers.ts';
import { bandProblems } from './bands.ts';
import { MIN_PRIMARY_ITEMS, oneFactorProblems, primaryItemCounts } from './factors.ts';
import { InstrumentSchema, SubIndexKeys, type Instrument, type Item } from './instrument.ts';
import { companyItems, personalItems } from './scoring.ts';

export type InstrumentResult = { ok: true; instrument: Instrument } | { ok: false; errors: string[] };

const ENTITY_OF: Record<string, string> = {
  sections: 'section',
  items: 'item',
  options: 'option',
  fields: 'field',
  profile: 'profile field',
};

/**
 * Names the place of a schema issue the way an author thinks of it: list
 * entries by their id, the rest as a field path, e.g.
 * `company › section "alignment" › item "align-targets" › narrative.positive`
 * or `scales.agreement › option "sa" › score`.
 */
export function describePath(data: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = data;
  for (const key of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const id = node && typeof node === 'object' && 'id' in node ? (node as { id: unknown }).id : undefined;
    if (typeof key === 'number') {
      const listName = parts.at(-1)?.split('.').at(-1) ?? '';
      const entity = ENTITY_OF[listName];
      if (typeof id === 'string' && entity) {
        const head = parts.pop()!.split('.').slice(0, -1).join('.');
        if (head) parts.push(head);
        parts.push(`${entity} "${id}"`);
      } else if (parts.length) {
        parts[parts.length - 1] += `[${key}]`;
      } else {
        parts.push(`[${key}]`);
      }
    } else if (parts.length && !parts.at(-1)!.includes('"')) {
      parts[parts.length - 1] += `.${String(key)}`;
    } else {
      parts.push(String(key));
    }
  }
  return parts.join(' › ') || '(top level)';
}

export function formatIssues(data: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${describePath(data, issue.path)}: ${issue.message}`);
}

/** Rules the schema cannot express: unique ids, weights, narratives, band coverage. */
export function lintInstrument(instrument: Instrument): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const sections = [...instrument.company.sections, ...instrument.personal.sections];
  for (const section of sections) {
    if (seen.has(section.id)) problems.push(`section "${section.id}": the id is used twice`);
    seen.add(section.id);
  }
  const items: Item[] = [...companyItems(instrument), ...personalItems(instrument)];
  for (const item of items) {
    const where = `item "${item.id}"`;
    if (seen.has(item.id)) problems.push(`${where}: the id is used twice`);
    seen.add(item.id);
    const weights = Object.values(item.weights) as number[];
    if (weights.reduce((a, b) => a + b, 0) <= 0) problems.push(`${where}: weights must sum above 0`);
    for (const [band, text] of Object.entries(item.narrative)) {
      if (!text.trim()) problems.push(`${where}: narrative.${band} is empty`);
    }
    if (item.kind === 'choice') {
      const ids = item.options.map((o) => o.id);
      if (new Set(ids).size !== ids.length) problems.push(`${where}: option ids repeat`);
      if (ids.includes('na')) problems.push(`${where}: "na" is reserved for not applicable`);
      if (Math.max(...item.options.map((o) => o.score)) < 1) {
        problems.push(`${where}: no option scores 1, so nobody can reach best practice`);
      }
    }
    if (item.kind === 'number') {
      if (item.min >= item.max) problems.push(`${where}: min must be below max`);
      const pts = item.curve;
      const rising = pts.every((p, i) => i === 0 || p.score >= pts[i - 1]!.score);
      const falling = pts.every((p, i) => i === 0 || p.score <= pts[i - 1]!.score);
      if (!rising && !falling) problems.push(`${where}: curve must only rise or only fall`);
    }
    if (item.kind !== 'number' && optionsOf(instrument, item).length === 0) {
      problems.push(`${where}: has no options`);
    }
  }
  problems.push(...companyRules(instrument));
  for (const [name, scale] of Object.entries(instrument.scales)) {
    const ids = scale.map((o) => o.id);
    if (new Set(ids).size !== ids.length) problems.push(`scales.${name}: option ids repeat`);
    if (ids.includes('na')) problems.push(`scales.${name}: "na" is reserved for not applicable`);
  }
  const bandSets = [
    ['categories.company', instrument.categories.company],
    ['categories.personal', instrument.categories.personal],
    ['potential', instrument.potential],
  ] as const;
  for (const [name, bands] of bandSets) {
    for (const p of bandProblems(bands)) problems.push(`${name}: ${p}`);
  }
  const fieldIds = instrument.numbers.fields.map((f) => f.id);
  if (new Set(fieldIds).size !== fieldIds.length) problems.push('numbers.fields: a field id is used twice');
  for (const f of instrument.numbers.fields) {
    if (f.kind !== 'currency' && f.min >= f.max) problems.push(`numbers field "${f.id}": min must be below max`);
  }
  return problems;
}

/**
 * Company items: advice phrased as behaviour in every instrument; in every
 * instrument that is not legacy, the one-factor rule and enough primary
 * items per factor (SPEC section 2).
 */
function companyRules(instrument: Instrument): string[] {
  const problems: string[] = [];
  for (const item of companyItems(instrument)) {
    const where = `item "${item.id}"`;
    if (!/^Keep\b/.test(item.advice.keep)) problems.push(`${where}: advice.keep must start with "Keep" (the strength to keep doing)`);
    if (!/^Stop\b/.test(item.advice.stop)) problems.push(`${where}: advice.stop must start with "Stop" (the harmful habit, not the good practice)`);
    if (!instrument.legacy) for (const p of oneFactorProblems(item)) problems.push(`${where}: ${p}`);
  }
  if (!instrument.legacy) {
    const counts = primaryItemCounts(instrument);
    for (const key of SubIndexKeys) {
      if (counts[key] < MIN_PRIMARY_ITEMS) problems.push(`factor ${key}: ${counts[key]} primary items; at least ${MIN_PRIMARY_ITEMS} are needed`);
    }
  }
  return problems;
}

/** Validates parsed YAML (or JSON) data: the schema first, then the lint rules. */
export function checkInstrument(data: unknown): InstrumentResult {
  const parsed = InstrumentSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: formatIssues(data, parsed.error) };
  const problems = lintInstrument(parsed.data);
  return problems.length ? { ok: false, errors: problems } : { ok: true, instrument: parsed.data };
}
