import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… runs on PostgreSQL; otherwise PGlite keeps its files here. */
  databaseUrl?: string | undefined;
  dataDir: string;
  migrationsDir: string;
  /** PGlite only: keep everything in memory (tests). */
  inMemory?: boolean;
}

/** Opens the database and applies the committed migrations before anything else touches it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { db, close } = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.migrationsDir)
    : await openPglite(options);
  return {
    db,
    kind: options.databaseUrl ? 'postgres' : 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close,
  };
}

async function openPostgres(url: string, migrationsFolder: string): Promise<Pick<Database, 'db' | 'close'>> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A dropped idle connection must not take the process down with it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema });
  await migratePg(db, { migrationsFolder });
  return { db: db as unknown as Db, close: () => pool.end() };
}

async function openPglite(options: DatabaseOptions): Promise<Pick<Database, 'db' | 'close'>> {
  let client: PGlite;
  if (options.inMemory) {
    client = new PGlite();
  } else {
    const dir = join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    client = new PGlite(dir);
  }
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: options.migrationsDir });
  return { db: db as unknown as Db, close: () => client.close() };
}
