// Contract versions are kept per contract id: every distinct YAML (and every additive evolution
// of it) is a row, with its schema signature, so a run can name exactly what it was checked by.
import type { Contract, ColumnSpec } from './types.js';
import { schemaSignature } from './signature.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';

export function registerContractVersion(db: Sqlite, contract: Contract, origin: 'loaded' | 'additive-evolution'): boolean {
  const res = db.prepare(`INSERT OR IGNORE INTO contract_versions
    (contract_id, version, yaml_sha256, signature, columns_json, yaml, source_path, origin, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    contract.id, contract.version, contract.yamlSha256, contract.signature,
    JSON.stringify(contract.columns.map((c) => ({ name: c.name, logicalType: c.logicalType }))),
    contract.yaml, contract.sourcePath, origin, nowIso());
  return res.changes > 0;
}

export function listContractVersions(db: Sqlite, contractId: string): Array<{ version: string; signature: string; origin: string; created_at: string }> {
  return db.prepare('SELECT version, signature, origin, created_at, yaml_sha256 FROM contract_versions WHERE contract_id = ? ORDER BY created_at').all(contractId) as never;
}

/** The contract extended by new trailing columns (text, optional): an additive evolution. */
export function evolveAdditively(contract: Contract, newColumns: string[]): Contract {
  const added: ColumnSpec[] = newColumns.map((name) => ({
    name, logicalType: 'string', required: false, unique: false, primaryKey: false, missingTokens: [], quality: [], line: 0,
  }));
  const columns = [...contract.columns, ...added];
  const [maj, min, patch] = contract.version.split('.').map((x) => Number(x) || 0);
  return {
    ...contract,
    columns,
    version: `${maj}.${min + 1}.${patch ?? 0}`,
    signature: schemaSignature(columns),
  };
}
