// The engine's DuckDB runs under a fixed memory budget (1.5 GB unless told otherwise), with every
// core, spilling into a folder inside the workspace that the engine creates and removes. Read
// back from DuckDB itself (duckdb_settings()) on the engine's own connection, and on the
// connection of a real `airlock run` (the run records what its DuckDB reported).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { DEFAULT_MEMORY_LIMIT, openEngine } from '../../main/pipeline/context.js';
import { duckResourceSettings } from '../../main/store/duckdb.js';
import { expectUserError, runCli, summaryOf } from '../helpers/cli.js';
import { csvText, PEOPLE_HEADER, peopleContract, peopleRows, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

/** How DuckDB itself shows a size given to `setting` (default memory_limit; it rounds to its own units). */
async function shownAs(size: string, setting = 'memory_limit'): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`SET ${setting} = '${size}'`);
  const shown = String((await conn.runAndReadAll(`SELECT value FROM duckdb_settings() WHERE name = '${setting}'`)).getRows()[0][0]);
  conn.closeSync();
  db.closeSync();
  return shown;
}

const savedEnv = { AIRLOCK_MEMORY_LIMIT: process.env.AIRLOCK_MEMORY_LIMIT, AIRLOCK_THREADS: process.env.AIRLOCK_THREADS };
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("the engine's DuckDB resources", () => {
  it('by default: the 1.5 GB budget, every core, and a spill folder inside the workspace', async () => {
    delete process.env.AIRLOCK_MEMORY_LIMIT;
    delete process.env.AIRLOCK_THREADS;
    const ws = join(tempDir('resources'), 'ws');
    const engine = await openEngine(ws);
    let spill: string;
    try {
      const s = await duckResourceSettings(engine.duck.conn);
      expect(DEFAULT_MEMORY_LIMIT).toBe('1.5GB');
      expect(s.memory_limit).toBe(await shownAs('1.5GB'));
      expect(s.memory_limit).not.toBe(await shownAs('2GB'));
      expect(Number(s.threads)).toBe(availableParallelism());
      // Freed memory goes back to the system soon (store/duckdb.ts), and the setting holds.
      const alloc = await engine.duck.conn.runAndReadAll(`SELECT name, value FROM duckdb_settings() WHERE name LIKE 'allocator_%' ORDER BY name`);
      expect(Object.fromEntries(alloc.getRows().map(([n, v]) => [String(n), String(v)]))).toMatchObject({
        allocator_background_threads: 'true', allocator_flush_threshold: await shownAs('16MB', 'allocator_flush_threshold'),
        allocator_bulk_deallocation_flush_threshold: await shownAs('16MB', 'allocator_bulk_deallocation_flush_threshold'),
      });
      spill = resolve(s.temp_directory);
      expect(spill.startsWith(resolve(ws) + sep)).toBe(true);
      expect(existsSync(spill)).toBe(true);
    } finally {
      engine.close();
    }
    expect(existsSync(spill)).toBe(false);
  });

  it('past the budget DuckDB spills into that folder, and the folder goes when the engine closes', async () => {
    const ws = join(tempDir('resources'), 'ws');
    const engine = await openEngine(ws, [], { memoryLimit: '32MB', threads: 1 });
    let spill: string;
    try {
      spill = resolve((await duckResourceSettings(engine.duck.conn)).temp_directory);
      // A temporary table of ~90 MB cannot stay in a 32 MB budget: its blocks are written out.
      await engine.duck.conn.run(`CREATE TEMP TABLE big AS SELECT i, md5(CAST(i AS VARCHAR)) AS t FROM range(1500000) r(i)`);
      const files = (await engine.duck.conn.runAndReadAll(`SELECT path FROM duckdb_temporary_files()`)).getRows().map((r) => resolve(String(r[0])));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(f.startsWith(spill + sep)).toBe(true);
      expect(readdirSync(spill).length).toBeGreaterThan(0);
      expect((await duckResourceSettings(engine.duck.conn)).threads).toBe('1');
    } finally {
      engine.close();
    }
    expect(existsSync(spill)).toBe(false);
  });

  it('AIRLOCK_MEMORY_LIMIT and AIRLOCK_THREADS set them; an option beats the environment', async () => {
    process.env.AIRLOCK_MEMORY_LIMIT = '700MB';
    process.env.AIRLOCK_THREADS = '1';
    const dir = tempDir('resources');
    const a = await openEngine(join(dir, 'a'));
    try {
      const s = await duckResourceSettings(a.duck.conn);
      expect(s.memory_limit).toBe(await shownAs('700MB'));
      expect(s.threads).toBe('1');
    } finally {
      a.close();
    }
    const b = await openEngine(join(dir, 'b'), [], { memoryLimit: '900MB' });
    try {
      expect((await duckResourceSettings(b.duck.conn)).memory_limit).toBe(await shownAs('900MB'));
    } finally {
      b.close();
    }
  });

  it('what a killed process left in the spill folder is removed when the workspace opens', async () => {
    const ws = join(tempDir('resources'), 'ws');
    const stale = join(ws, 'tmp', 'duckdb-spill');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'duckdb_temp_storage-0.tmp'), 'left by a killed run');
    const engine = await openEngine(ws);
    try {
      expect(resolve((await duckResourceSettings(engine.duck.conn)).temp_directory)).toBe(resolve(stale));
      expect(existsSync(join(stale, 'duckdb_temp_storage-0.tmp'))).toBe(false);
    } finally {
      engine.close();
    }
  });

  it('a memory size that is not one is a user error naming where it came from', async () => {
    process.env.AIRLOCK_MEMORY_LIMIT = 'lots';
    await expect(openEngine(join(tempDir('resources'), 'ws'))).rejects.toThrow(/AIRLOCK_MEMORY_LIMIT "lots" is not a memory size/);
  });
});

/** `airlock run` with neither resource variable set: the defaults are the engine's own. */
const plainEnv = { ...process.env, AIRLOCK_MEMORY_LIMIT: undefined, AIRLOCK_THREADS: undefined };
const cliRun = (file: string, contract: string, ws: string, extra: string[] = ['--no-model', '--no-embedder']) =>
  runCli(['run', file, '--contract', contract, '--workspace', ws, '--json', ...extra], { env: plainEnv });

describe('airlock run --memory-limit / --threads', () => {
  it("the run's DuckDB ran with them, and without them with the defaults", async () => {
    const dir = tempDir('resources-cli');
    const file = writeInput(dir, 'people.csv', csvText(PEOPLE_HEADER, peopleRows(1, 20)));
    const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
    const settingsOf = (ws: string) => {
      const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
      try {
        return (JSON.parse((db.prepare('SELECT options_json FROM runs').get() as { options_json: string }).options_json) as { duckdb: Record<string, string> }).duckdb;
      } finally {
        db.close();
      }
    };
    const given = join(dir, 'given');
    const res = await cliRun(file, contract, given, ['--no-model', '--no-embedder', '--memory-limit', '800MB', '--threads', '1']);
    expect(res.code, res.stderr).toBe(0);
    expect(summaryOf(res).reconciled).toBe(true);
    expect(settingsOf(given)).toMatchObject({ memory_limit: await shownAs('800MB'), threads: '1' });
    expect(resolve(settingsOf(given).temp_directory).startsWith(resolve(given) + sep)).toBe(true);
    expect(existsSync(join(given, 'tmp', 'duckdb-spill'))).toBe(false);

    const plain = join(dir, 'plain');
    expect((await cliRun(file, contract, plain)).code).toBe(0);
    expect(settingsOf(plain)).toMatchObject({ memory_limit: await shownAs(DEFAULT_MEMORY_LIMIT), threads: String(availableParallelism()) });
  });

  it('a bad --memory-limit or --threads: exit 2, one line naming the flag', async () => {
    const dir = tempDir('resources-cli');
    const file = writeInput(dir, 'people.csv', csvText(PEOPLE_HEADER, peopleRows(1, 5)));
    const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
    expect(expectUserError(await cliRun(file, contract, join(dir, 'ws'), ['--no-model', '--memory-limit', 'plenty']))).toContain('--memory-limit "plenty"');
    expect(expectUserError(await cliRun(file, contract, join(dir, 'ws2'), ['--no-model', '--threads', '0']))).toContain('--threads "0"');
  });
});
