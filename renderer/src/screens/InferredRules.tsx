// The rules `airlock profile` inferred, with the facts they were decided from: per rule its share,
// its evidence sentence and a few values that break it, marked unconfirmed until the analyst ticks
// it; per column the top values and value shapes. An unconfirmed rule is enforced all the same.
import type { ColumnProfileView, ContractForm, InferredRuleView } from '../../../main/api/contract.js';
import { Badge } from '../components/Badge.js';
import { count, percent } from '../format.js';

const RULE_TEXT: Record<string, string> = {
  type: 'type', 'type and format': 'type and format', format: 'format', pattern: 'pattern', validValues: 'allowed values',
  required: 'required', unique: 'unique', primaryKey: 'primary key', missingTokens: 'no-value spellings', dependency: 'dependency',
};

export const ruleText = (rule: string): string => RULE_TEXT[rule] ?? rule;

/** Every inferred rule of the form, and how many of them nobody has confirmed. */
export function inferredCounts(form: ContractForm): { total: number; unconfirmed: number } {
  const rules = [...form.columns.flatMap((c) => c.inferred), ...form.dependencies.flatMap((d) => (d.inferred ? [d.inferred] : []))];
  return { total: rules.length, unconfirmed: rules.filter((r) => !r.confirmed).length };
}

/** The form with every inferred rule ticked. */
export function confirmAll(form: ContractForm): ContractForm {
  const tick = (r: InferredRuleView): InferredRuleView => ({ ...r, confirmed: true });
  return {
    ...form,
    columns: form.columns.map((c) => ({ ...c, inferred: c.inferred.map(tick) })),
    dependencies: form.dependencies.map((d) => (d.inferred ? { ...d, inferred: tick(d.inferred) } : d)),
  };
}

/** A rule that does not hold for every value is worth a look first: its column starts open. */
export const needsALook = (rules: InferredRuleView[]): boolean => rules.some((r) => r.share < 1 || r.counterexamples.length > 0);

const shown = (v: string | null): string => (v === null || v === '' ? '(empty)' : v);

/** One inferred rule on one line: the tick, what it is, its share, its evidence, values that break it. */
export function InferredRuleLine({ rule, label, onConfirm }: { rule: InferredRuleView; label: string; onConfirm(confirmed: boolean): void }) {
  return (
    <div className={`inferred-rule${rule.confirmed ? ' confirmed' : ''}`} data-rule={rule.rule} data-confirmed={rule.confirmed}>
      <label className="inferred-tick" title={rule.confirmed ? 'Confirmed: untick to mark it unconfirmed again' : 'Tick once you have checked this rule against the evidence'}>
        <input type="checkbox" checked={rule.confirmed} onChange={(e) => onConfirm(e.target.checked)} aria-label={`${label} ${ruleText(rule.rule)} confirmed`} />
        {rule.confirmed ? <Badge tone="green">confirmed</Badge> : <Badge tone="amber">unconfirmed</Badge>}
      </label>
      <span className="inferred-name">{ruleText(rule.rule)}</span>
      <span className="inferred-share mono" title="share of the values the rule holds for">{percent(rule.share, rule.share < 1 && rule.share > 0.99 ? 1 : 0)}</span>
      <span className="inferred-evidence" data-testid="evidence">
        {rule.evidence || 'no evidence recorded'}
        {rule.counterexamples.length > 0 && (
          <span className="counterexamples"> Breaking it: {rule.counterexamples.map((v, i) => <code key={i}>{shown(v)}</code>)}</span>
        )}
      </span>
    </div>
  );
}

/** The facts a column's rules were decided from: its most frequent values and value shapes. */
export function ColumnFacts({ profile }: { profile: ColumnProfileView }) {
  return (
    <div className="column-facts" data-testid="column-facts">
      <span className="facts-label">Top values</span>
      <span className="facts">
        {profile.topValues.length === 0 ? <span className="muted">none</span> : profile.topValues.map((v, i) => <span className="fact" key={i}><code>{shown(v.value)}</code> {count(v.count)}</span>)}
      </span>
      {profile.shapes.length > 0 && (
        <>
          <span className="facts-label" title="9 a digit, a a lower-case letter, A an upper-case letter; {n} repeats">Shapes</span>
          <span className="facts">{profile.shapes.map((s, i) => <span className="fact" key={i}><code>{s.shape || '(empty)'}</code> {count(s.count)}</span>)}</span>
        </>
      )}
    </div>
  );
}
