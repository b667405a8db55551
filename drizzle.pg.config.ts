import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL schema and its migrations, beside SQLite's (drizzle.config.ts): `npm run db:generate:pg`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema.ts',
  out: './db/pg/migrations',
});
