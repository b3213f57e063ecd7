// Contract problems through `airlock run`: a file that is not YAML and an unknown metric name are
// user errors (exit 2, one line with file:line, and the key for a metric); a contract whose
// columns do not match the file halts the stream (exit 3) with an alert and an audit entry naming
// what changed, and nothing promoted. In every case the input's bytes are already in the vault.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, expectUserError, messageLines, summaryOf } from '../helpers/cli.js';
import { csvText, expectVaulted, PEOPLE_HEADER, peopleContract, peopleRows, tableExists, withEngine, writeInput, count } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

function setup(contractYaml: string, csv = csvText(PEOPLE_HEADER, peopleRows(1, 10))) {
  const dir = tempDir('contract');
  return { file: writeInput(dir, 'people.csv', csv), contract: writeInput(dir, 'people.odcs.yaml', contractYaml), ws: join(dir, 'ws') };
}

describe('contract errors name the file and the line', () => {
  it('a contract that is not YAML: exit 2, message has file:line of the broken line', async () => {
    const lines = peopleContract().split('\n');
    const broken = lines.findIndex((l) => l.trim() === '- name: name');
    lines[broken] = `\t${lines[broken].trimStart()}`; // a tab as indentation is not YAML
    const { file, contract, ws } = setup(lines.join('\n'));
    const line = expectUserError(await cliRun(file, contract, ws));
    expect(line).toContain(`${contract}:${broken + 1}:`);
    expectVaulted(ws, file);
  });

  it('an unknown metric name: exit 2, message has file:line and the key', async () => {
    const yaml = peopleContract({ zipQuality: ['          - metric: nullCount', '            mustBe: 0'] });
    const metricLine = yaml.split('\n').findIndex((l) => l.includes('metric: nullCount')) + 1;
    const { file, contract, ws } = setup(yaml);
    const line = expectUserError(await cliRun(file, contract, ws));
    expect(line).toContain(`${contract}:${metricLine}:`);
    expect(line).toContain('schema[0].properties[2].quality[0].metric');
    expect(line).toContain('nullCount');
    expectVaulted(ws, file);
  });
});

describe('a contract whose columns do not match the file', () => {
  it('halts: exit 3, alert and audit entry name the change, nothing promoted, bytes in the vault', async () => {
    const rows = peopleRows(1, 10);
    const { file, contract, ws } = setup(peopleContract(), csvText(['id', 'full_name', 'zip'], rows));
    const res = await cliRun(file, contract, ws);
    expect(res.code, describeResult(res)).toBe(3);
    expect(res.stderr).not.toContain('internal error');
    const s = summaryOf(res);
    expect(s.status).toBe('halted');
    expect(s.successRows).toBe(0);
    expect(messageLines(res.stderr).some((l) => l.includes('full_name') && l.includes('"name"'))).toBe(true);
    expectVaulted(ws, file);

    await withEngine(ws, async (e) => {
      const alerts = e.sqlite.prepare('SELECT code, message FROM alerts WHERE run_id = ?').all(s.runId) as { code: string; message: string }[];
      expect(alerts.map((a) => a.code)).toContain('SCHEMA_DRIFT');
      expect(alerts.find((a) => a.code === 'SCHEMA_DRIFT')!.message).toContain('full_name');

      const drift = e.audit.entries(s.runId).filter((x) => x.kind === 'drift');
      expect(drift).toHaveLength(1);
      expect(drift[0].payload.decision).toBe('halt');
      const changes = drift[0].payload.changes as { kind: string; column: string; detail: string }[];
      expect(changes.some((c) => c.column === 'name' && c.detail.includes('full_name'))).toBe(true);

      if (await tableExists(e, 'prod', 'people')) expect(await count(e, 'SELECT count(*) FROM prod.people')).toBe(0);
      if (await tableExists(e, 'quarantine', 'people')) expect(await count(e, 'SELECT count(*) FROM quarantine.people')).toBe(0);
      expect((e.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(s.runId) as { status: string }).status).toBe('halted');
    });
  });
});
