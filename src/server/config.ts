import { z } from 'zod';
import { DEFAULT_MIN_GROUP } from '../domain/peers.ts';

/** Every setting the server reads from the environment, parsed once. */
export const ConfigSchema = z.object({
  /** SQLite file; created with its folder on first start. */
  DATABASE_PATH: z.string().min(1).default('./data/velocity.sqlite'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4321),
  /** Smallest peer group shown anywhere (anonymity). */
  PEER_MIN_GROUP: z.coerce.number().int().min(2).max(1000).default(DEFAULT_MIN_GROUP),
  /**
   * The instrument new participants answer: a file id under templates/instruments/.
   * Earlier versions stay loadable for the responses given with them.
   */
  INSTRUMENT: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be an instrument file id such as velocity-v2').default('velocity-v2'),
  /** Participants seeded on the first start of an empty database; 0 turns the demo data off. */
  DEMO_PARTICIPANTS: z.coerce.number().int().min(0).max(5_000_000).default(2000),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Bad configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
