import { Client } from 'pg';
import { DataSource, type EntityManager, type EntitySchema, type MixedList, type Logger as OrmLogger } from 'typeorm';
import { DeadlineGuard } from './deadline';
import { envInt } from './config';
import type { Logger } from './logger';

/** Creates the database named in `url` when it does not exist yet (the server must be reachable). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-zA-Z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // another process created it between our check and our CREATE
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** Counts the SQL statements a DataSource runs; the batching tests read it. */
export class QueryCounter {
  private total = 0;
  count(): number {
    return this.total;
  }
  increment(): void {
    this.total += 1;
  }
  reset(): void {
    this.total = 0;
  }
}

class OrmLogAdapter implements OrmLogger {
  constructor(
    private readonly logger: Logger,
    private readonly counter?: QueryCounter,
  ) {}
  logQuery(): void {
    this.counter?.increment();
  }
  logQueryError(error: string | Error, query: string): void {
    this.counter?.increment();
    this.logger.debug({ err: error, query }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, query }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ message }, 'typeorm');
  }
}

/**
 * TypeORM's log into ours: slow queries (over `maxQueryExecutionTime`) and TypeORM's warnings as
 * warnings, failed queries at debug; with `counter`, every statement counted. TypeORM's own
 * logger would print slow queries with console.log even with logging off.
 */
export function ormLogger(logger: Logger, counter?: QueryCounter): OrmLogger {
  return new OrmLogAdapter(logger, counter);
}

export interface DatabaseOptions {
  url: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  logger: Logger;
  /**
   * Connections the pool may open at most. Default DATABASE_POOL_SIZE, else 10: size it so that
   * every process's pools together stay under Postgres's max_connections (100 by default).
   */
  poolSize?: number;
}

export interface Database {
  dataSource: DataSource;
  queries: QueryCounter;
}

/** Opens a TypeORM DataSource and brings its schema up to date with the committed migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  await ensureDatabase(options.url);
  const queries = new QueryCounter();
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    // a request's transaction does not commit after the gateway's deadline for it
    subscribers: [DeadlineGuard],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: true,
    maxQueryExecutionTime: 500,
    logger: ormLogger(options.logger, queries),
    extra: { max: options.poolSize ?? envInt('DATABASE_POOL_SIZE', 10) },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return { dataSource, queries };
}

/**
 * The rows of an UPDATE or DELETE ... RETURNING. TypeORM's Postgres driver answers UPDATE and
 * DELETE with `[rows, rowCount]` but every other statement with `rows`; this reads them either way.
 */
export async function modifyReturning<T>(db: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
