"""Evidence ceiling of the generalisation harness: the share of injected cells any repair could
correct without inventing a value. A `missing` cell in a column no functional dependency
determines has no evidence (do no harm: it is never filled), and when that column is required its
row never leaves quarantine, so none of the row's other injected cells reach the export either.
Only that is counted; free-text typos nothing can detect (a beer name misspelt once) would lower
the ceiling further.

    npm run bench:quality -- --general        # writes bench/.data/general/<table>/rate-<r>/injections.csv
    python3 bench/general/ceiling.py          # needs PyYAML
"""
import collections
import csv
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), 'shared', 'bench')
CONTRACTS = {
    'hospital': os.path.join(SHARED, 'hospital', 'contract.odcs.yaml'),
    'beers': os.path.join(SHARED, 'beers', 'contract.odcs.yaml'),
    'customers': os.path.join(HERE, 'contracts', 'customers.odcs.yaml'),
    'flights': os.path.join(HERE, 'contracts', 'flights.odcs.yaml'),
}
DATA = os.path.join(ROOT, 'bench', '.data', 'general')


def shape(path):
    schema = yaml.safe_load(open(path, encoding='utf-8'))['schema'][0]
    required = {p['name']: bool(p.get('required')) for p in schema['properties']}
    dependents = set()
    for prop in schema.get('customProperties') or []:
        if prop.get('property') == 'functionalDependencies':
            for fd in prop['value']:
                dependents.update(fd['dependent'])
    return required, dependents


def main():
    pooled_n = pooled_ok = 0
    for table, contract in CONTRACTS.items():
        required, dependents = shape(contract)
        rates = sorted(d for d in os.listdir(os.path.join(DATA, table)) if d.startswith('rate-')) if os.path.isdir(os.path.join(DATA, table)) else []
        for rate in rates:
            path = os.path.join(DATA, table, rate, 'injections.csv')
            if not os.path.exists(path):
                continue
            rows = collections.defaultdict(list)
            for cell in csv.DictReader(open(path, encoding='utf-8')):
                rows[cell['key']].append(cell)
            n = ok = 0
            for cells in rows.values():
                no_evidence = [c for c in cells if c['kind'] == 'missing' and c['column'] not in dependents]
                held = any(required.get(c['column'], False) for c in no_evidence)
                for c in cells:
                    n += 1
                    ok += 0 if held or c in no_evidence else 1
            pooled_n += n
            pooled_ok += ok
            r = ok / n
            print(f'{table:10} {rate:10} injected {n:5}  ceiling recall {r:.3f}  ceiling F1 (P = 1) {2 * r / (1 + r):.3f}')
    if pooled_n == 0:
        sys.exit('no injections found: run npm run bench:quality -- --general first')
    r = pooled_ok / pooled_n
    print(f'{"all":10} {"":10} injected {pooled_n:5}  ceiling recall {r:.3f}  ceiling F1 (P = 1) {2 * r / (1 + r):.3f}')


if __name__ == '__main__':
    main()
