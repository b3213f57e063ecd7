// Shared word lists for the injector: keyboard neighbours (for typos), month names (for dates),
// and the synonym dictionaries that role descriptions reuse (booleans, US states, countries).

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Keys next to each key on a US QWERTY keyboard (same row and the rows above/below). */
export const NEIGHBOURS: Record<string, string> = (() => {
  const out: Record<string, string> = {};
  ROWS.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      let n = (row[c - 1] ?? '') + (row[c + 1] ?? '');
      for (const dr of [-1, 1]) {
        const other = ROWS[r + dr];
        if (other && r + dr > 0 && r > 0) n += (other[c - 1] ?? '') + (other[c] ?? '') + (other[c + 1] ?? '');
      }
      out[row[c]] = n;
    }
  });
  return out;
})();

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const US_STATES: Record<string, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois',
  IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland',
  MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana',
  NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York',
  NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania',
  RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah',
  VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
};

/** State code (in the case the table writes it) -> its full name, in two spellings. */
export function stateSynonyms(lowerCase: boolean): Record<string, string[]> {
  return Object.fromEntries(Object.entries(US_STATES).map(([code, name]) => [lowerCase ? code.toLowerCase() : code, [name, name.toUpperCase()]]));
}

export const YES_NO: Record<string, string[]> = {
  yes: ['Y', 'y', 'True', 'TRUE', '1', 'Yes'],
  no: ['N', 'n', 'False', 'FALSE', '0', 'No'],
};

export const TRUE_FALSE: Record<string, string[]> = {
  true: ['Y', 'yes', 'True', 'TRUE', '1', 't'],
  false: ['N', 'no', 'False', 'FALSE', '0', 'f'],
};

export const DEFAULT_MISSING = ['', 'N/A', 'n/a', '-', 'null', 'NULL', 'none', '?'];
