import { z } from 'zod';

/**
 * The instrument (questionnaire) schema. The YAML files under
 * templates/instruments/ are the only definition of questions, options,
 * scores, weights and narratives; this schema is the only definition of
 * their shape, and every type below is inferred from it.
 */

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');

const Score = z.number().min(0, 'must be 0 or more').max(1, 'must be 1 or less');
const Weight = z.number().min(0, 'must be 0 or more').max(10, 'must be 10 or less');

/** One answer option of a scale or a single-choice item. */
export const OptionSchema = z.strictObject({
  /** Stable id stored with the answer; never reuse an id for a different meaning. */
  id: Id,
  /** Label shown to the participant. */
  label: z.string().min(1),
  /** Score in [0, 1]; 1 is best practice. */
  score: Score,
});
export type Option = z.infer<typeof OptionSchema>;

/** Coaching text for each answer band; "You said …" voice, 2-4 sentences each. */
export const NarrativeSchema = z.strictObject({
  /** Score 0.75 or more: what is working and how to keep it. */
  positive: z.string().min(40, 'is too short to be useful'),
  /** Score between 0.25 and 0.75: what to change. */
  neutral: z.string().min(40, 'is too short to be useful'),
  /** Score 0.25 or less: what to stop or start. */
  negative: z.string().min(40, 'is too short to be useful'),
});
export type Narrative = z.infer<typeof NarrativeSchema>;
export type NarrativeBand = keyof Narrative;

/** Scale kinds draw their options from the instrument's `scales` section. */
export const ScaleKinds = ['agreement', 'importance', 'frequency', 'percentBand'] as const;
export type ScaleKind = (typeof ScaleKinds)[number];

const ItemBase = {
  /** Unique across the whole instrument; stored with every answer. */
  id: Id,
  /** The statement or question as the participant reads it. */
  text: z.string().min(10),
  /** A short label (2-5 words) for action lists, charts and tables. */
  short: z.string().min(3).max(48),
  /** Optional one-line help shown under the question. */
  help: z.string().optional(),
  /** Whether "not applicable" is offered; defaults to true for agreement, false otherwise. */
  notApplicable: z.boolean().optional(),
  narrative: NarrativeSchema,
};

const ScaleItem = z.strictObject({
  ...ItemBase,
  kind: z.enum(ScaleKinds),
  /** Score the scale from the top down, for statements where more is worse. */
  reverse: z.boolean().optional(),
});

const ChoiceItem = z.strictObject({
  ...ItemBase,
  kind: z.literal('choice'),
  options: z.array(OptionSchema).min(2),
});

/** A point of the piecewise-linear curve that turns a number into a score. */
const CurvePoint = z.strictObject({ value: z.number(), score: Score });

const NumberItem = z.strictObject({
  ...ItemBase,
  kind: z.literal('number'),
  min: z.number(),
  max: z.number(),
  /** Unit shown beside the input, e.g. "hours per month". */
  unit: z.string().optional(),
  /** Whole numbers only. */
  integer: z.boolean().optional(),
  /** Scores between points are interpolated; outside them the end scores hold. */
  curve: z
    .array(CurvePoint)
    .min(2)
    .refine((pts) => pts.every((p, i) => i === 0 || p.value > pts[i - 1]!.value), 'points must be in ascending order of value'),
});

const CompanyWeights = z.strictObject({
  value: Weight,
  number: Weight,
  winRate: Weight,
  cycle: Weight,
});
export type CompanyWeights = z.infer<typeof CompanyWeights>;
export const SubIndexKeys = ['value', 'number', 'winRate', 'cycle'] as const;
export type SubIndexKey = (typeof SubIndexKeys)[number];

const PersonalWeights = z.strictObject({ approach: Weight, execution: Weight });
export type PersonalWeights = z.infer<typeof PersonalWeights>;
export const PersonalKeys = ['approach', 'execution'] as const;
export type PersonalKey = (typeof PersonalKeys)[number];

/**
 * Keep / Change / Stop as behaviour, one sentence each for the reader to act on.
 * The tag never sits on the name of a good practice: STOP names the harmful
 * habit ("Stop letting deals with no buyer activity sit in the forecast").
 */
export const AdviceSchema = z.strictObject({
  /** Score 0.75 or more: the strength to keep doing; starts with "Keep". */
  keep: z.string().min(20, 'is too short to be useful'),
  /** Score between 0.25 and 0.75: the change to make, as an instruction. */
  change: z.string().min(20, 'is too short to be useful'),
  /** Score 0.25 or less: the harmful habit to stop; starts with "Stop". */
  stop: z.string().min(20, 'is too short to be useful'),
});
export type Advice = z.infer<typeof AdviceSchema>;

/**
 * Who can act on a company item: `team` — anyone who sells can change it in
 * their own deals; `leader` — it takes a manager's authority (targets,
 * budget, hiring, pricing, process). A seller's first actions come only from
 * `team` items.
 */
export const Actors = ['team', 'leader'] as const;
export type Actor = (typeof Actors)[number];

const CompanyExtras = {
  weights: CompanyWeights,
  advice: AdviceSchema,
  actor: z.enum(Actors),
};

function itemSchema<E extends z.core.$ZodLooseShape>(extras: E) {
  return z.discriminatedUnion('kind', [ScaleItem.extend(extras), ChoiceItem.extend(extras), NumberItem.extend(extras)]);
}

export const CompanyItemSchema = itemSchema(CompanyExtras);
export const PersonalItemSchema = itemSchema({ weights: PersonalWeights });
export type CompanyItem = z.infer<typeof CompanyItemSchema>;
export type PersonalItem = z.infer<typeof PersonalItemSchema>;
export type Item = CompanyItem | PersonalItem;

function sectionSchema<I extends z.ZodType>(item: I) {
  return z.strictObject({
    id: Id,
    title: z.string().min(3),
    /** One or two sentences shown at the top of the section page. */
    intro: z.string().min(10),
    items: z.array(item).min(1),
  });
}
export const CompanySectionSchema = sectionSchema(CompanyItemSchema);
export const PersonalSectionSchema = sectionSchema(PersonalItemSchema);
export type CompanySection = z.infer<typeof CompanySectionSchema>;
export type PersonalSection = z.infer<typeof PersonalSectionSchema>;

/** A choice of the profile; `group` marks roles as leaders or sellers. */
const ProfileOption = z.strictObject({
  id: Id,
  label: z.string().min(1),
  group: z.enum(['leader', 'seller']).optional(),
});

/** The profile is not scored; it drives peer groups and the numbers page. */
export const ProfileFieldIds = [
  'role',
  'company',
  'industry',
  'employees',
  'salesTeam',
  'region',
  'motion',
] as const;
export type ProfileFieldId = (typeof ProfileFieldIds)[number];

const ProfileField = z.discriminatedUnion('kind', [
  z.strictObject({
    id: z.enum(ProfileFieldIds),
    label: z.string(),
    help: z.string().optional(),
    kind: z.literal('choice'),
    options: z.array(ProfileOption).min(2),
  }),
  z.strictObject({
    id: z.enum(ProfileFieldIds),
    label: z.string(),
    help: z.string().optional(),
    kind: z.literal('text'),
    maxLength: z.number().int().min(1).max(500),
  }),
]);
export type ProfileField = z.infer<typeof ProfileField>;

/** The optional "Your numbers" fields; ids are fixed because the numbers page uses them. */
export const NumberFieldIds = [
  'opportunities',
  'dealValue',
  'currency',
  'winRate',
  'cycleDays',
  'quota',
  'pipeline',
  'wonCount',
  'wonValue',
  'lostCount',
  'lostValue',
  'openCount',
  'openValue',
  'stage1',
  'stage2',
  'stage3',
  'stage4',
  'stage5',
  'stage6',
] as const;
export type NumberFieldId = (typeof NumberFieldIds)[number];

const NumberField = z.discriminatedUnion('kind', [
  z.strictObject({
    id: z.enum(NumberFieldIds),
    label: z.string(),
    help: z.string().optional(),
    kind: z.enum(['integer', 'decimal', 'percent', 'money']),
    min: z.number(),
    max: z.number(),
    unit: z.string().optional(),
  }),
  z.strictObject({
    id: z.literal('currency'),
    label: z.string(),
    help: z.string().optional(),
    kind: z.literal('currency'),
    options: z.array(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')).min(1),
  }),
]);
export type NumberField = z.infer<typeof NumberField>;

/** A score band: min inclusive, max exclusive, except that the top band includes 100. */
const Band = z.strictObject({
  min: z.number().min(0).max(100),
  max: z.number().min(0).max(100),
  label: z.string().min(1),
  /** One sentence that says what the band means for the reader. */
  summary: z.string().min(10),
});
export type Band = z.infer<typeof Band>;

export const InstrumentSchema = z.strictObject({
  /** File id, e.g. velocity-v1; stored with every response. */
  id: Id,
  /** Whole-number version; bump it whenever a score, weight or option changes. Peer figures compare only like versions. */
  version: z.number().int().min(1),
  /**
   * A version kept only to read and score the responses given with it: it is
   * never offered to new participants, and its company items may spread their
   * weight over several factors (velocity-v1 did).
   */
  legacy: z.boolean().optional(),
  title: z.string().min(3),
  /** Answer options of the scale kinds, top (best) last. */
  scales: z.strictObject({
    agreement: z.array(OptionSchema).min(2),
    importance: z.array(OptionSchema).min(2),
    frequency: z.array(OptionSchema).min(2),
    percentBand: z.array(OptionSchema).min(2),
  }),
  /** The label of the "not applicable" answer. */
  notApplicableLabel: z.string().min(2),
  profile: z.array(ProfileField).min(1),
  numbers: z.strictObject({
    title: z.string(),
    intro: z.string(),
    fields: z.array(NumberField),
  }),
  company: z.strictObject({ sections: z.array(CompanySectionSchema).min(1) }),
  personal: z.strictObject({ sections: z.array(PersonalSectionSchema).min(1) }),
  categories: z.strictObject({ company: z.array(Band).min(2), personal: z.array(Band).min(2) }),
  /** Revenue increase potential of a sub-index, from its score. */
  potential: z.array(Band).min(2),
});
export type Instrument = z.infer<typeof InstrumentSchema>;
