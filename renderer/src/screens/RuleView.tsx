// A proposal's rule as a person reads it, from the engine's description: one sentence, then what
// the kind has — a map's or a manual edit's lines as a paged table, an expression's SQL, an
// agreed value's or a lookup's parameters in words. No rule is ever shown as a wall of SQL.
import { useState, type ReactNode } from 'react';
import type { ProposalView } from '../../../main/api/contract.js';
import { count, percent } from '../format.js';
import { Badge, type Tone } from '../components/Badge.js';
import { RuleTable } from './RuleTable.js';

type Rule = ProposalView['rule'];
export type RuleOf<K extends Rule['kind']> = Extract<Rule, { kind: K }>;

export const KIND_LABEL: Record<Rule['kind'], { text: string; tone: Tone }> = {
  map: { text: 'value map', tone: 'blue' },
  expression: { text: 'expression', tone: 'violet' },
  agreedValue: { text: 'agreed value', tone: 'green' },
  lookup: { text: 'reference lookup', tone: 'amber' },
  manual: { text: 'manual edit', tone: 'grey' },
};

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts rule-facts" data-testid="rule-params">
      {rows.map(([k, v]) => <div key={k} className="rule-fact"><dt>{k}</dt><dd>{v}</dd></div>)}
    </dl>
  );
}

function AgreedValueParams({ rule }: { rule: RuleOf<'agreedValue'> }) {
  return (
    <Facts rows={[
      ['Column', <span className="mono">{rule.column}</span>],
      ['Grouped by', rule.determinants.length === 0 ? '–' : rule.determinants.map((d, i) => (
        <span key={i}>{i > 0 && <span className="muted"> or </span>}{d.map((c, j) => <span key={c}>{j > 0 && ' + '}<span className="mono">{c}</span></span>)}</span>
      ))],
      ['Decides when', <>the winning value has at least {count(rule.minSupport)} row{rule.minSupport === 1 ? '' : 's'} behind it and leads the runner-up by {percent(rule.minMargin)} of the group</>],
      ['Votes', rule.sourceColumn ? <>weighted by each source&apos;s estimated accuracy (source column <span className="mono">{rule.sourceColumn}</span>)</> : 'one row, one vote'],
      ['Otherwise', 'a group without a clear plurality keeps its values'],
    ]} />
  );
}

function LookupParams({ rule }: { rule: RuleOf<'lookup'> }) {
  const style = { upper: 'in upper case', lower: 'in lower case', asis: 'as the table spells it' }[rule.style];
  return (
    <Facts rows={[
      ['Column', <span className="mono">{rule.column}</span>],
      ['Reference table', <span className="mono">{rule.table}</span>],
      ['Writes', <>the entity&apos;s <span className="mono">{rule.form}</span>{rule.members ? '' : `, ${style}`}</>],
      ...(rule.members ? [['Spelled as', <>one of the contract&apos;s {count(rule.members.length)} allowed values ({rule.members.slice(0, 6).join(', ')}{rule.members.length > 6 ? ', …' : ''})</>] as [string, ReactNode]] : []),
    ]} />
  );
}

/** Past SQL_LONG characters, an expression is shown cut to SQL_PREVIEW, with a way to see it whole. */
const SQL_LONG = 600;
const SQL_PREVIEW = 360;

function ExpressionSql({ sql }: { sql: string }) {
  const [whole, setWhole] = useState(false);
  const long = sql.length > SQL_LONG;
  return (
    <div className="rule-sql">
      <pre className={`code ${whole ? 'code-tall' : ''}`} data-testid="rule-sql" data-clipped={long && !whole ? 'yes' : 'no'}>{long && !whole ? `${sql.slice(0, SQL_PREVIEW)}…` : sql}</pre>
      {long && (
        <p className="tiny muted">
          {whole ? `${count(sql.length)} characters.` : `The first ${count(SQL_PREVIEW)} of ${count(sql.length)} characters.`}{' '}
          <button className="link" onClick={() => setWhole(!whole)}>{whole ? 'Show less' : 'Show it all'}</button>
        </p>
      )}
    </div>
  );
}

/** The rule's body under its sentence. */
export function RuleBody({ proposal }: { proposal: ProposalView }) {
  const d = proposal.description;
  const rule = proposal.rule;
  if (rule.kind === 'agreedValue') return <AgreedValueParams rule={rule} />;
  if (rule.kind === 'lookup') return <LookupParams rule={rule} />;
  if (d.sql !== undefined) return <ExpressionSql sql={d.sql} />;
  if (d.table) return <RuleTable columns={d.table.columns} rows={d.table.rows} />;
  return null;
}

export function RuleSentence({ proposal }: { proposal: ProposalView }) {
  const k = KIND_LABEL[proposal.kind] ?? { text: proposal.kind, tone: 'grey' as Tone };
  return (
    <p className="rule-sentence" data-testid="rule-sentence" data-kind={proposal.kind}>
      <Badge tone={k.tone}>{k.text}</Badge> <span>{proposal.description.sentence}</span>
    </p>
  );
}
