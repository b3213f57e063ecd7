// Names of the exported project's models, seeds and tests: one prefix per contract table, so
// that two exported contracts can share a warehouse schema.

export function tablePrefix(table: string): string {
  const p = table.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(p) ? p : `t_${p || 'table'}`;
}

export function projectName(table: string): string {
  return `airlock_${tablePrefix(table)}`;
}

export interface ModelNames {
  staged: string;
  duplicates: string;
  candidates: string;
  violations: string;
  fastLane: string;
  arrived: string;
  remediated: string;
  quarantine: string;
  clean: string;
  /** the working copy after the recipe's rule `i` (1-based) */
  rule: (i: number, part?: string) => string;
  /** a do-no-harm pass's relations */
  pass: (p: number, part: 'left' | 'harmed' | 'changes' | 'work') => string;
  changes: string;
}

export function modelNames(table: string): ModelNames {
  const t = tablePrefix(table);
  const nn = (i: number) => String(i).padStart(2, '0');
  return {
    staged: `${t}_staged`, duplicates: `${t}_duplicates`, candidates: `${t}_candidates`, violations: `${t}_violations`,
    fastLane: `${t}_fast_lane`, arrived: `${t}_quarantine_arrived`, remediated: `${t}_remediated`, quarantine: `${t}_quarantine`, clean: `${t}_clean`,
    rule: (i, part) => `${t}_rule_${nn(i)}${part ? `_${part}` : ''}`,
    pass: (p, part) => `${t}_pass_${p}_${part}`,
    changes: `${t}_rule_changes`,
  };
}
