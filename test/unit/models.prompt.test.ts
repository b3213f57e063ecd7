// The proposal prompt (what the model is told, how data is bounded) and the parsing of the
// model's answer into one of the rule kinds.
import { describe, expect, it } from 'vitest';
import { buildProposalPrompt, type ProposalPromptInput } from '../../main/models/proposalPrompt.js';
import { parseProposal, proposalSchema } from '../../main/models/proposalSchema.js';
import { ruleFromProposal, substituteValue } from '../../main/remediate/modelRule.js';

const input: ProposalPromptInput = {
  column: { name: 'status', logicalType: 'string', enum: ['active', 'inactive'], minimum: undefined },
  reason: 'NOT_IN_SET: the value is not one of the allowed values',
  samples: [{ value: 'Active ', count: 12 }, { value: null, count: 2 }],
  validSamples: [{ value: 'active', count: 40 }],
};

describe('buildProposalPrompt', () => {
  it('states the column rules, failing values with counts and valid values, with worked examples', () => {
    const p = buildProposalPrompt({ ...input, column: { name: 'd', logicalType: 'date', format: '%Y-%m-%d', pattern: '^\\d{4}', minimum: '2020-01-01' } });
    expect(p.user).toContain('Column "d"');
    expect(p.user).toContain('%Y-%m-%d');
    expect(p.user).toContain('>= 2020-01-01');
    expect(p.user).toContain('"Active ": 12');
    expect(p.user).toContain('NULL: 2');
    expect(p.user).toContain('"active": 40');
    expect(p.examples).toHaveLength(2);
    expect(p.system).toContain('DuckDB');
  });

  it('puts the map example last for a closed set, the expression example last otherwise', () => {
    expect(buildProposalPrompt(input).examples[1].answer).toContain('"map"');
    expect(buildProposalPrompt({ ...input, column: { name: 'c', logicalType: 'string' } }).examples[1].answer).toContain('"expression"');
  });

  it('bounds long values and many samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({ value: `${i}:${'x'.repeat(5000)}`, count: 1 }));
    const p = buildProposalPrompt({ ...input, samples });
    expect(p.user.length).toBeLessThan(3000);
    expect(p.user).toContain('... and 88 more distinct values');
  });
});

describe('proposalSchema', () => {
  it('offers a map only with a closed set, keyed by the failing values', () => {
    expect(JSON.stringify(proposalSchema({ failingValues: ['a'] }))).not.toContain('"map"');
    const s = JSON.stringify(proposalSchema({ failingValues: ['Active ', 'Active '], allowedValues: ['active'] }));
    expect(s).toContain('"Active "');
    expect(s).toContain('"active"');
  });
});

describe('parseProposal', () => {
  it('reads an expression and a map, dropping lines to null', () => {
    expect(parseProposal('{"kind":"expression","expression":" lower(trim(x)) ","confidence":"medium"}')).toEqual({ kind: 'expression', expression: 'lower(trim(x))', confidence: 0.6 });
    expect(parseProposal('{"kind":"map","map":{"Active ":"active","??":null},"confidence":"high"}', ['Active ', '??'])).toEqual({ kind: 'map', map: [{ from: 'Active ', to: 'active' }], confidence: 0.9 });
  });

  it('explains what is wrong with an unusable answer', () => {
    expect(parseProposal('{"kind": "expr')).toEqual({ error: expect.stringContaining('not complete JSON') });
    expect(parseProposal('[1]')).toEqual({ error: 'model output is not a JSON object' });
    expect(parseProposal('{"kind":"expression","expression":"x","confidence":7}')).toEqual({ error: expect.stringContaining('confidence') });
    expect(parseProposal('{"kind":"expression","expression":"  ","confidence":"low"}')).toEqual({ error: 'model output has an empty expression' });
    expect(parseProposal('{"kind":"map","map":{"x":null},"confidence":"low"}')).toEqual({ error: 'model output maps no failing value to a new one' });
    expect(parseProposal('{"kind":"map","map":{"other":"a"},"confidence":"low"}', ['x'])).toEqual({ error: expect.stringContaining('not a failing value') });
  });
});

describe('ruleFromProposal', () => {
  it('names the column where the model wrote x, leaving quoted text alone', () => {
    expect(substituteValue("upper(trim(x)) || 'x' || \"x\"", 'sku')).toBe('upper(trim("sku")) || \'x\' || "x"');
    expect(substituteValue('x(1) + t.x', 'c')).toBe('x(1) + t.x');
    expect(ruleFromProposal({ kind: 'map', map: [{ from: 'A', to: 'a' }], confidence: 0.6 }, 'c')).toEqual({ kind: 'map', column: 'c', match: 'exact', entries: [{ from: 'A', to: 'a' }] });
  });
});
