"""Evidence ceiling of the public hospital table: the share of its error cells any repair could
correct without guessing. Hospital's corruption writes `x` for a character. Where the character
was a digit of a column no functional dependency determines (`score` 9x%, `sample` 3x patients),
every digit completes the value to one the contract's pattern accepts: nothing tells them apart,
so the cell is never changed (do no harm), and its row, which fails the pattern, stays in
quarantine with every other error cell of the row (the public scorer counts a quarantined row's
cells as not corrected).

A cell counts as undecidable when its column is in none of the contract's dependencies (neither
side: a dependency's determinant is judged by the dependents its rows agree on) and more than one way of writing a character of the column's alphabet at its `x` positions (up to
three of them) gives a value the pattern accepts in full.

    python3 bench/publicCeiling.py        # needs PyYAML; reads ../shared/bench/hospital
"""
import csv
import itertools
import os
import re

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
HOSPITAL = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'shared', 'bench', 'hospital')
MAX_POSITIONS = 3


def contract_shape(path):
    schema = yaml.safe_load(open(path, encoding='utf-8'))['schema'][0]
    patterns = {p['name']: (p.get('logicalTypeOptions') or {}).get('pattern') for p in schema['properties']}
    in_fd = set()
    for prop in schema.get('customProperties') or []:
        if prop.get('property') == 'functionalDependencies':
            for fd in prop['value']:
                in_fd.update(fd['dependent'])
                in_fd.update(fd['determinant'])
    return [p['name'] for p in schema['properties']], patterns, in_fd


def completions(value, pattern, alphabet):
    """The values the pattern accepts that differ from `value` only at its `x` positions."""
    spots = [i for i, ch in enumerate(value) if ch == 'x']
    if not spots or len(spots) > MAX_POSITIONS:
        return None
    full = re.compile(f'(?:{pattern})\\Z')
    found = set()
    for chars in itertools.product(sorted(alphabet), repeat=len(spots)):
        v = list(value)
        for i, ch in zip(spots, chars):
            v[i] = ch
        text = ''.join(v)
        if full.match(text):
            found.add(text)
    return found


def main():
    names, patterns, in_fd = contract_shape(os.path.join(HOSPITAL, 'contract.odcs.yaml'))
    clean = list(csv.reader(open(os.path.join(HOSPITAL, 'clean.csv'), encoding='utf-8')))[1:]
    dirty = list(csv.reader(open(os.path.join(HOSPITAL, 'dirty.csv'), encoding='utf-8')))[1:]
    alphabets = [set(''.join(row[k] for row in clean)) for k in range(len(names))]
    errors = undecidable = lost_with_row = 0
    by_column = {}
    for c, d in zip(clean, dirty):
        cells = [k for k in range(len(names)) if c[k] != d[k]]
        errors += len(cells)
        stuck = []
        for k in cells:
            name, pattern = names[k], patterns[names[k]]
            if name in in_fd or not pattern:
                continue
            found = completions(d[k], pattern, alphabets[k])
            if found is not None and len(found) > 1:
                stuck.append(k)
                by_column[name] = by_column.get(name, 0) + 1
        if stuck:
            undecidable += len(stuck)
            lost_with_row += len(cells) - len(stuck)
    reachable = errors - undecidable - lost_with_row
    r = reachable / errors
    print(f'hospital: {errors} error cells; {undecidable} undecidable (a digit written as x, several completions '
          f'pass the pattern); {lost_with_row} more in their rows, which stay quarantined')
    print('undecidable by column: ' + ', '.join(f'{k} {v}' for k, v in sorted(by_column.items())))
    print(f'ceiling recall {r:.3f}  ceiling F1 (P = 1) {2 * r / (1 + r):.3f}')


if __name__ == '__main__':
    main()
