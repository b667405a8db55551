import { describe, expectTypeOf, it } from 'vitest';
import * as pg from '../../db/pg/schema.ts';
import * as sqlite from '../../db/schema.ts';

/**
 * The PostgreSQL schema gives the app the same row types as SQLite's, so
 * the code above the data-access layer uses one set of types for both
 * backends. Checked by the compiler (`tsc --noEmit` in `npm test`); the two
 * peer-statistics tables differ on purpose (arrays instead of blobs, see
 * db/pg/schema.ts) and are read only by their repositories.
 */
describe('the PostgreSQL schema', () => {
  it('reads every table but the peer statistics as the same rows as SQLite', () => {
    expectTypeOf<typeof pg.consultants.$inferSelect>().toEqualTypeOf<typeof sqlite.consultants.$inferSelect>();
    expectTypeOf<typeof pg.sessions.$inferSelect>().toEqualTypeOf<typeof sqlite.sessions.$inferSelect>();
    expectTypeOf<typeof pg.signInAttempts.$inferSelect>().toEqualTypeOf<typeof sqlite.signInAttempts.$inferSelect>();
    expectTypeOf<typeof pg.rateLimitHits.$inferSelect>().toEqualTypeOf<typeof sqlite.rateLimitHits.$inferSelect>();
    expectTypeOf<typeof pg.studies.$inferSelect>().toEqualTypeOf<typeof sqlite.studies.$inferSelect>();
    expectTypeOf<typeof pg.companies.$inferSelect>().toEqualTypeOf<typeof sqlite.companies.$inferSelect>();
    expectTypeOf<typeof pg.studyWaves.$inferSelect>().toEqualTypeOf<typeof sqlite.studyWaves.$inferSelect>();
    expectTypeOf<typeof pg.waveLinks.$inferSelect>().toEqualTypeOf<typeof sqlite.waveLinks.$inferSelect>();
    expectTypeOf<typeof pg.invitations.$inferSelect>().toEqualTypeOf<typeof sqlite.invitations.$inferSelect>();
    expectTypeOf<typeof pg.mailOutbox.$inferSelect>().toEqualTypeOf<typeof sqlite.mailOutbox.$inferSelect>();
    expectTypeOf<typeof pg.participants.$inferSelect>().toEqualTypeOf<typeof sqlite.participants.$inferSelect>();
    expectTypeOf<typeof pg.answers.$inferSelect>().toEqualTypeOf<typeof sqlite.answers.$inferSelect>();
    expectTypeOf<typeof pg.participantNumbers.$inferSelect>().toEqualTypeOf<typeof sqlite.participantNumbers.$inferSelect>();
    expectTypeOf<typeof pg.scores.$inferSelect>().toEqualTypeOf<typeof sqlite.scores.$inferSelect>();
    expectTypeOf<typeof pg.settings.$inferSelect>().toEqualTypeOf<typeof sqlite.settings.$inferSelect>();
  });

  it('takes the same rows to insert', () => {
    expectTypeOf<typeof pg.participants.$inferInsert>().toEqualTypeOf<typeof sqlite.participants.$inferInsert>();
    expectTypeOf<typeof pg.answers.$inferInsert>().toEqualTypeOf<typeof sqlite.answers.$inferInsert>();
    expectTypeOf<typeof pg.consultants.$inferInsert>().toEqualTypeOf<typeof sqlite.consultants.$inferInsert>();
    // SQLite lets an INTEGER PRIMARY KEY be left out (it becomes the rowid); these keys are a participant's id, always given.
    expectTypeOf<typeof sqlite.scores.$inferInsert & { participantId: number }>().toExtend<typeof pg.scores.$inferInsert>();
    expectTypeOf<typeof sqlite.participantNumbers.$inferInsert & { participantId: number }>().toExtend<typeof pg.participantNumbers.$inferInsert>();
  });

  it('has the same tables', () => {
    expectTypeOf<keyof typeof pg>().toEqualTypeOf<Exclude<keyof typeof sqlite, never>>();
  });
});
