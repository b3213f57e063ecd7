// A generated multi-source table: five sources report the same flights, several reports per
// flight, so flight -> every attribute holds in the truth. Sources differ in reliability (one is
// poor): the injector weights error rows by source, and a source that is wrong about a flight
// repeats the same wrong value on its reports (source-disagreement). The row key is a report id.
import { seeded } from '../../../test/helpers/seeded.js';
import type { Table, TableRoles } from '../types.js';

const AIRLINES = ['AA', 'UA', 'DL', 'LH', 'AF', 'BA', 'KL', 'IB'];
const AIRPORTS = ['JFK', 'LAX', 'ORD', 'ATL', 'DFW', 'DEN', 'SFO', 'SEA', 'BOS', 'MIA', 'FRA', 'CDG', 'LHR', 'AMS', 'MAD', 'MUC'];
const STATUS = ['scheduled', 'departed', 'landed', 'delayed', 'cancelled'];

/** Relative error weight per source: the scraper is the poor one. */
export const SOURCE_WEIGHT: Record<string, number> = { 'airline-site': 1, 'airport-board': 1.5, 'gds-feed': 2, 'travel-agency': 3, 'web-scraper': 12 };

const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export function generateFlights(rows: number, seed = 11): Table {
  const rng = seeded(seed);
  const sources = Object.keys(SOURCE_WEIGHT);
  const out: string[][] = [];
  const used = new Set<string>();
  let report = 0;
  // about 3.5 reports per flight (each source reports a flight with probability 0.7)
  while (out.length < rows) {
    let flight = `${rng.pick(AIRLINES)}${rng.int(100, 9999)}`;
    while (used.has(flight)) flight = `${rng.pick(AIRLINES)}${rng.int(100, 9999)}`;
    used.add(flight);
    const origin = rng.pick(AIRPORTS);
    let dest = rng.pick(AIRPORTS);
    while (dest === origin) dest = rng.pick(AIRPORTS);
    const date = new Date(Date.UTC(2026, 0, 1) + rng.int(0, 330) * 86_400_000).toISOString().slice(0, 10);
    const dep = rng.int(5 * 12, 22 * 12) * 5;
    const arr = dep + rng.int(9, 120) * 5;
    const gate = `${rng.pick(['A', 'B', 'C', 'D', 'E'])}${rng.int(1, 40)}`;
    const status = rng.pick(STATUS);
    for (const s of sources) {
      if (out.length >= rows || !rng.chance(0.7)) continue;
      report++;
      out.push([`R${String(report).padStart(6, '0')}`, s, flight, origin, dest, date, hhmm(dep), hhmm(arr), gate, status]);
    }
  }
  return { header: FLIGHTS.header, rows: out };
}

const attr = ['source-disagreement'] as const;

export const FLIGHTS: TableRoles = {
  name: 'flights',
  header: ['report_id', 'source', 'flight', 'origin', 'destination', 'flight_date', 'sched_dep', 'sched_arr', 'gate', 'status'],
  sourceColumn: 'source',
  entityColumn: 'flight',
  sourceErrorWeight: SOURCE_WEIGHT,
  columns: {
    flight: { kinds: ['case-whitespace'] },
    origin: { kinds: [...attr, 'swap', 'case-whitespace'], swapWith: 'destination' },
    destination: { kinds: [...attr, 'case-whitespace'] },
    flight_date: { kinds: [...attr, 'date-format'], temporal: 'date', disagree: 'date' },
    sched_dep: { kinds: [...attr, 'date-format', 'missing'], temporal: 'time', disagree: 'time' },
    sched_arr: { kinds: [...attr, 'date-format'], temporal: 'time', disagree: 'time' },
    gate: { kinds: [...attr, 'typo', 'case-whitespace', 'missing'] },
    status: { kinds: [...attr, 'case-whitespace', 'enum-synonym'], synonyms: { cancelled: ['canceled', 'CNL'], delayed: ['late', 'DLY'], landed: ['arrived'], departed: ['airborne'], scheduled: ['on time', 'planned'] } },
  },
};
