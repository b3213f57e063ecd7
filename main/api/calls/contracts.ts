// Contracts: open one, propose one from a file, read the YAML the analyst typed into the form,
// write the form back into the YAML, store the result for a run, and after a schema drift,
// rewrite the halted run's contract to match the file as a new version.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { vaultFileOf } from '../../pipeline/vaultFile.js';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../../contract/errors.js';
import { parseContract } from '../../contract/load.js';
import { profileFile } from '../../contract/profile.js';
import { contractOfRun } from '../../export/exportRun.js';
import { openLockedDuckDB } from '../../store/duckdb.js';
import type { ContractDraft } from '../contract.js';
import { toApiError } from '../errors.js';
import { applyForm, formOfContract } from '../contractForm.js';
import { contractMatchingHeader } from '../driftContract.js';
import { fileHeader } from '../fileHeader.js';
import { recipeRulesLost } from '../recipeAfterDrift.js';
import type { CallImpl, EngineSession } from '../session.js';

type ContractCalls = Pick<CallImpl, 'loadContract' | 'profileFile' | 'parseContractText' | 'applyContractForm' | 'saveContract' | 'acceptDrift'>;

/** A draft with its form, or with the problem that keeps it from loading (shown beside the YAML). */
function draftOf(yaml: string, path: string | null, origin: ContractDraft['origin'], note: string): ContractDraft {
  try {
    return { yaml, form: formOfContract(parseContract(yaml, path ?? 'YAML')), problem: null, path, origin, note };
  } catch (e) {
    return { yaml, form: null, problem: toApiError('loadContract', e), path, origin, note };
  }
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);

export function contractCalls(session: EngineSession): ContractCalls {
  return {
    async loadContract({ path }) {
      let yaml: string;
      try {
        yaml = readFileSync(path, 'utf8');
      } catch (e) {
        throw new UserError(`${path}: cannot read the contract file (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check that it is a .yaml file you can open.`, path);
      }
      return draftOf(yaml, path, 'file', `Loaded from ${basename(path)}.`);
    },

    async profileFile({ path }) {
      const abs = resolve(path);
      // A throw-away in-memory database that may read only the file's folder and a scratch
      // folder for the record scan's copy (never written beside the user's file).
      const scratch = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
      const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dirname(abs), scratch] });
      try {
        const p = await profileFile(db.conn, abs, basename(abs), { scratchDir: scratch });
        const draft = draftOf(p.yaml, null, 'profile',
          `Proposed from ${basename(abs)} (${p.rows.toLocaleString('en-US')} rows). Each rule is the form most values share; the values that break it are the suspected errors. Check each rule and tick it.`);
        draft.profile = {
          file: abs, rows: p.rows, malformedRows: p.malformedRows,
          columns: p.columns.map((c) => ({
            name: c.name, inferredType: c.inferredType, format: c.format, rows: c.rows, nullCount: c.nullCount,
            distinctCount: c.distinctCount, typeShare: c.typeShare, topValues: c.topValues.slice(0, 5), shapes: c.shapes.slice(0, 5), pattern: c.pattern,
            enum: c.enum, pii: c.pii, min: c.min, max: c.max,
          })),
          dependencies: p.fds.map((f) => ({ determinant: f.determinant, dependent: f.dependent, support: f.support })),
        };
        return draft;
      } finally {
        db.close();
        rmSync(scratch, { recursive: true, force: true });
      }
    },

    async parseContractText({ yaml }) {
      return formOfContract(parseContract(yaml, 'YAML'));
    },

    async applyContractForm({ yaml, form }) {
      const out = applyForm(yaml, form, 'YAML');
      return { yaml: out, form: formOfContract(parseContract(out, 'YAML')) };
    },

    async saveContract({ yaml }) {
      const c = parseContract(yaml, 'YAML');
      const sha = createHash('sha256').update(yaml).digest('hex').slice(0, 12);
      const path = join(session.contractsDir, `${safeName(c.id)}-${safeName(c.version)}-${sha}.odcs.yaml`);
      writeFileSync(path, yaml);
      return { path, id: c.id, version: c.version };
    },

    acceptDrift({ runId }) {
      return session.exclusive(async (engine) => {
        const run = engine.sqlite.prepare('SELECT status, vault_path, input_name FROM runs WHERE run_id = ?').get(runId) as
          { status: string; vault_path: string; input_name: string } | undefined;
        if (!run) throw new UserError(`run ${runId} is not in this workspace.`);
        if (run.status !== 'halted') throw new UserError(`run ${runId} is ${run.status}, not halted by a schema drift: there is no drift to accept.`);
        const { contract } = contractOfRun(engine, runId);
        const header = await fileHeader(engine.duck.conn, vaultFileOf(engine.ws, run.vault_path), run.input_name);
        const next = contractMatchingHeader(contract.yaml, header, run.input_name);
        const lost = await recipeRulesLost(engine.sqlite, engine.duck.conn, parseContract(next.yaml, 'YAML'), contract.id);
        // the columns in the note; each rule's change in the diff below it
        const columns = next.changes.filter((c) => /^(renamed|added|dropped) /.test(c));
        const draft = draftOf(next.yaml, null, 'drift', `Version ${next.version} of ${contract.id}, matching ${run.input_name}: ${(columns.length ? columns : next.changes).join('; ')}. Check the rules that change below, then run again.`);
        return { ...draft, ruleDiff: { from: contract.version, to: next.version, lines: [...next.ruleDiff, ...lost] } };
      });
    },
  };
}
