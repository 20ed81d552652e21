// Prisma CLI configuration. The CLI is used only to generate clients and to diff schemas into SQL
// migrations (scripts/db/generate.ts); migrations are applied by scripts/db/migrate.ts for both
// providers, because Prisma 6.19's WebAssembly schema engine cannot apply them to PostgreSQL.
// `engine: 'js'` keeps the CLI offline: the native schema engine would be downloaded otherwise.
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: process.env.QORGAU_PRISMA_SCHEMA ?? path.join('prisma', 'schema.prisma'),
  adapter: async () => new PrismaBetterSQLite3({ url: 'file::memory:' }),
});
