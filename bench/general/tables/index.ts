// The base tables the harness knows: the public clean tables (read from ../shared/bench) and the
// generated ones (written fresh each run). Each comes with its role description and contract(s).
import { join, resolve } from 'node:path';
import { readTable } from '../csv.js';
import type { Table, TableRoles } from '../types.js';
import { CUSTOMERS, generateCustomers } from './customers.js';
import { FLIGHTS, generateFlights } from './flights.js';
import { BEERS, HOSPITAL } from './public.js';

export const SHARED_BENCH = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'bench');
const CONTRACTS = resolve(import.meta.dirname, '..', 'contracts');

export interface BaseTable {
  roles: TableRoles;
  /** the clean rows, with the contract's header */
  load: () => Table;
  /** contract variants to run the same dirty file against: label -> path */
  contracts: Record<string, string>;
}

function publicClean(name: string): Table {
  const t = readTable(join(SHARED_BENCH, name, 'clean.csv'));
  return { header: t.header, rows: t.rows };
}

/** Generated table sizes: small enough for the whole harness to stay within minutes on 2 cores. */
export const GENERATED_ROWS = { customers: 2000, flights: 1800 };

export const BASE_TABLES: Record<string, BaseTable> = {
  hospital: { roles: HOSPITAL, load: () => ({ ...publicClean('hospital'), header: HOSPITAL.header }), contracts: { contract: join(SHARED_BENCH, 'hospital', 'contract.odcs.yaml') } },
  beers: { roles: BEERS, load: () => ({ ...publicClean('beers'), header: BEERS.header }), contracts: { contract: join(SHARED_BENCH, 'beers', 'contract.odcs.yaml') } },
  customers: { roles: CUSTOMERS, load: () => generateCustomers(GENERATED_ROWS.customers), contracts: { contract: join(CONTRACTS, 'customers.odcs.yaml') } },
  flights: {
    roles: FLIGHTS,
    load: () => generateFlights(GENERATED_ROWS.flights),
    contracts: { 'with-source': join(CONTRACTS, 'flights.odcs.yaml'), 'no-source': join(CONTRACTS, 'flights-nosource.odcs.yaml') },
  },
};
