// The contract as a form: the table's identity, then one row per column (type, required,
// unique, pattern or date format, allowed values, range, personal data), then the functional
// dependencies. Each change is handed up whole; the engine writes it into the YAML. A column
// with rules the profiler inferred opens onto them (share, evidence, values that break them, a
// tick to confirm each) and onto the column's top values and shapes.
import { Fragment, useState } from 'react';
import type { ColumnForm, ColumnProfileView, ContractForm, DependencyForm } from '../../../main/api/contract.js';
import { CommitInput } from '../components/CommitInput.js';
import { count, percent } from '../format.js';
import { ColumnFacts, InferredRuleLine, needsALook } from './InferredRules.js';

const TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'time', 'object', 'array'] as const;
const PII = ['', 'email', 'phone', 'name', 'ssn', 'iban', 'card', 'dob', 'address', 'other'];
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

interface Props {
  form: ContractForm;
  profile?: ColumnProfileView[];
  onChange(form: ContractForm): void;
}

export function ContractFormTable({ form, profile, onChange }: Props) {
  const setCol = (i: number, patch: Partial<ColumnForm>) => onChange({ ...form, columns: form.columns.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setDep = (i: number, dep: DependencyForm | null) => {
    const deps = dep ? form.dependencies.map((d, j) => (j === i ? dep : d)) : form.dependencies.filter((_, j) => j !== i);
    onChange({ ...form, dependencies: deps });
  };
  const hint = (name: string) => profile?.find((p) => p.name === name);
  // Which columns show their evidence; until the analyst opens or closes one, those whose rules
  // do not hold for every value are open.
  const [openCols, setOpenCols] = useState<Record<string, boolean>>({});
  const isOpen = (c: ColumnForm) => openCols[c.name] ?? needsALook(c.inferred);
  const confirmRule = (i: number, k: number, confirmed: boolean) =>
    setCol(i, { inferred: form.columns[i].inferred.map((r, j) => (j === k ? { ...r, confirmed } : r)) });
  return (
    <div className="contract-form" data-testid="contract-form">
      <div className="form-row">
        <label>Contract id<CommitInput value={form.id} onCommit={(id) => onChange({ ...form, id })} /></label>
        <label>Version<CommitInput value={form.version} onCommit={(version) => onChange({ ...form, version })} data-testid="contract-version" /></label>
        <label>Table<CommitInput value={form.table} onCommit={(table) => onChange({ ...form, table })} /></label>
        <label>Schema changes
          <select value={form.schemaEvolution} onChange={(e) => onChange({ ...form, schemaEvolution: e.target.value as ContractForm['schemaEvolution'] })}>
            <option value="strict">strict: any change halts</option>
            <option value="additive">additive: new columns accepted</option>
          </select>
        </label>
      </div>
      <div className="table-scroll">
        <table className="table form-table">
          <thead>
            <tr><th>Column</th><th>Type</th><th title="Required">Req.</th><th title="Unique or primary key">Key</th><th>Pattern / format</th><th>Allowed values</th><th>Range</th><th>PII</th></tr>
          </thead>
          <tbody>
            {form.columns.map((c, i) => {
              const p = hint(c.name);
              const temporal = c.logicalType === 'date' || c.logicalType === 'timestamp' || c.logicalType === 'time';
              const unconfirmed = c.inferred.filter((r) => !r.confirmed).length;
              const open = (c.inferred.length > 0 || !!p) && isOpen(c);
              return (
                <Fragment key={c.name}>
                <tr data-column={c.name} className={open ? 'has-evidence' : undefined}>
                  <td>
                    <div className="mono strong">{c.name}</div>
                    {p && <div className="tiny muted">{`${p.inferredType} ${percent(p.typeShare)} · ${count(p.distinctCount)} distinct · ${count(p.nullCount)} empty`}</div>}
                    {(c.inferred.length > 0 || p) && (
                      <button className={`evidence-toggle tiny${unconfirmed ? ' pending' : ''}`} aria-expanded={open} onClick={() => setOpenCols({ ...openCols, [c.name]: !open })} data-testid="evidence-toggle">
                        {open ? '▾' : '▸'} {c.inferred.length === 0 ? 'values and shapes' : unconfirmed ? `${unconfirmed} of ${c.inferred.length} unconfirmed` : `${c.inferred.length} confirmed`}
                      </button>
                    )}
                  </td>
                  <td>
                    <select value={c.logicalType} onChange={(e) => setCol(i, { logicalType: e.target.value as ColumnForm['logicalType'] })} aria-label={`${c.name} type`}>
                      {TYPES.map((t) => <option key={t}>{t}</option>)}
                    </select>
                  </td>
                  <td className="center"><input type="checkbox" checked={c.required} onChange={(e) => setCol(i, { required: e.target.checked })} aria-label={`${c.name} required`} /></td>
                  <td>
                    <select value={c.primaryKey ? 'pk' : c.unique ? 'unique' : ''} onChange={(e) => setCol(i, { primaryKey: e.target.value === 'pk', unique: e.target.value === 'unique' })} aria-label={`${c.name} key`}>
                      <option value="">–</option><option value="unique">unique</option><option value="pk">primary</option>
                    </select>
                  </td>
                  <td>
                    {temporal
                      ? <CommitInput className="mono" placeholder="%Y-%m-%d" value={c.format} onCommit={(format) => setCol(i, { format })} aria-label={`${c.name} format`} />
                      : <CommitInput className="mono" placeholder="regex" value={c.pattern} onCommit={(pattern) => setCol(i, { pattern })} aria-label={`${c.name} pattern`} />}
                  </td>
                  <td><CommitInput placeholder="a, b, c" value={c.enum.join(', ')} onCommit={(v) => setCol(i, { enum: list(v) })} aria-label={`${c.name} allowed values`} title={c.enum.join(', ')} /></td>
                  <td>
                    <div className="range">
                      <CommitInput className="narrow" placeholder="min" value={c.minimum} onCommit={(minimum) => setCol(i, { minimum })} aria-label={`${c.name} minimum`} />
                      <span>–</span>
                      <CommitInput className="narrow" placeholder="max" value={c.maximum} onCommit={(maximum) => setCol(i, { maximum })} aria-label={`${c.name} maximum`} />
                    </div>
                  </td>
                  <td>
                    <select value={c.pii} onChange={(e) => setCol(i, { pii: e.target.value })} aria-label={`${c.name} personal data`}>
                      {PII.map((k) => <option key={k} value={k}>{k || '–'}</option>)}
                    </select>
                  </td>
                </tr>
                {open && (
                  <tr className="evidence-row" data-evidence={c.name}>
                    <td colSpan={8}>
                      <div className="evidence-body">
                        {c.inferred.map((r, k) => <InferredRuleLine key={k} rule={r} label={c.name} onConfirm={(on) => confirmRule(i, k, on)} />)}
                        {p && <ColumnFacts profile={p} />}
                      </div>
                    </td>
                  </tr>
                )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="deps">
        <div className="card-head"><h4>Dependencies</h4><span className="small muted">rows that agree on the left columns must agree on the right ones</span></div>
        {form.dependencies.length === 0 && <p className="small muted">None declared.</p>}
        {form.dependencies.map((d, i) => (
          <div className="dep" key={i} data-dependency={`${d.determinant.join(', ')} -> ${d.dependent.join(', ')}`}>
            <div className="dep-row">
              <CommitInput className="mono" value={d.determinant.join(', ')} onCommit={(v) => setDep(i, { ...d, determinant: list(v) })} aria-label="determinant columns" />
              <span className="dep-arrow">→</span>
              <CommitInput className="mono" value={d.dependent.join(', ')} onCommit={(v) => setDep(i, { ...d, dependent: list(v) })} aria-label="dependent columns" />
              <button className="btn btn-ghost btn-sm" onClick={() => setDep(i, null)} aria-label="remove dependency">Remove</button>
            </div>
            {d.inferred && <InferredRuleLine rule={d.inferred} label={`${d.determinant.join(', ')} → ${d.dependent.join(', ')}`} onConfirm={(confirmed) => setDep(i, { ...d, inferred: { ...d.inferred!, confirmed } })} />}
          </div>
        ))}
        <button className="btn btn-secondary btn-sm" onClick={() => onChange({ ...form, dependencies: [...form.dependencies, { determinant: [form.columns[0]?.name ?? ''], dependent: [form.columns[1]?.name ?? ''] }] })}>Add a dependency</button>
      </div>
    </div>
  );
}
