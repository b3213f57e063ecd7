// A generated customer/orders table (seeded, no downloads): identifiers, contact data, a date, a
// status enum, country -> currency and zip -> city, country dependencies, money and a percentage.
// Every value is what a well-behaved system would deliver; the injector makes it dirty.
import { seeded } from '../../../test/helpers/seeded.js';
import type { Table, TableRoles } from '../types.js';
import { TRUE_FALSE } from '../vocab.js';

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah',
  'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wes', 'Yara', 'Zoe', 'Marta', 'Lukas', 'Chloe', 'Diego', 'Hana'];
const LAST = ['Adler', 'Brown', 'Castro', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Keller', 'Lopez',
  'Martin', 'Novak', 'Okafor', 'Peters', 'Quint', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Vargas', 'Weber', 'Young', 'Zimmer'];
const DOMAINS = ['example.com', 'mail.test', 'post.example.org', 'inbox.test', 'corp.example.net'];
const STATUS = ['active', 'inactive', 'pending', 'cancelled'];

export const COUNTRIES: Record<string, { currency: string; names: string[]; cities: string[] }> = {
  US: { currency: 'USD', names: ['United States', 'USA', 'U.S.'], cities: ['Springfield', 'Portland', 'Austin', 'Denver', 'Madison', 'Salem', 'Dayton', 'Boise'] },
  CA: { currency: 'CAD', names: ['Canada', 'CAN'], cities: ['Toronto', 'Ottawa', 'Calgary', 'Halifax', 'Regina', 'Victoria'] },
  DE: { currency: 'EUR', names: ['Germany', 'Deutschland', 'DEU'], cities: ['Berlin', 'Hamburg', 'Bremen', 'Leipzig', 'Dresden', 'Kassel'] },
  FR: { currency: 'EUR', names: ['France', 'FRA'], cities: ['Lyon', 'Lille', 'Nantes', 'Rennes', 'Dijon', 'Nice'] },
  GB: { currency: 'GBP', names: ['United Kingdom', 'UK', 'GBR', 'Great Britain'], cities: ['Leeds', 'Bristol', 'York', 'Oxford', 'Bath', 'Derby'] },
};

function zipFor(country: string, rng: ReturnType<typeof seeded>): string {
  const L = 'ABCEGHJKLMNPRSTVXY';
  if (country === 'CA') return `${rng.pick([...L])}${rng.int(0, 9)}${rng.pick([...L])} ${rng.int(0, 9)}${rng.pick([...L])}${rng.int(0, 9)}`;
  if (country === 'GB') return `${rng.pick([...L])}${rng.pick([...L])}${rng.int(1, 9)} ${rng.int(0, 9)}${rng.pick([...L])}${rng.pick([...L])}`;
  return String(rng.int(country === 'US' ? 10000 : 1000, 99999)).padStart(5, '0');
}

export function generateCustomers(rows: number, seed = 7): Table {
  const rng = seeded(seed);
  // each city owns two to four zips, each zip unique across the table: zip -> city, country holds
  const seen = new Set<string>();
  const places: { country: string; city: string; zip: string }[] = [];
  for (const [country, c] of Object.entries(COUNTRIES)) {
    for (const city of c.cities) {
      for (let k = rng.int(2, 4); k > 0; k--) {
        let zip = zipFor(country, rng);
        while (seen.has(zip)) zip = zipFor(country, rng);
        seen.add(zip);
        places.push({ country, city, zip });
      }
    }
  }
  const out: string[][] = [];
  for (let i = 1; i <= rows; i++) {
    const [first, last] = [rng.pick(FIRST), rng.pick(LAST)];
    const p = rng.pick(places);
    const d = new Date(Date.UTC(2019, 0, 1) + rng.int(0, 6 * 365) * 86_400_000);
    const cents = rng.int(100, 500_000);
    out.push([
      String(i), `${first} ${last}`, `${first.toLowerCase()}.${last.toLowerCase()}${rng.int(1, 99)}@${rng.pick(DOMAINS)}`,
      `${rng.int(201, 989)}-${rng.int(200, 999)}-${String(rng.int(0, 9999)).padStart(4, '0')}`, d.toISOString().slice(0, 10),
      rng.pick(STATUS), p.country, p.city, p.zip, (cents / 100).toFixed(2), COUNTRIES[p.country].currency,
      String(rng.pick([0, 0, 5, 10, 15, 20, 25])), rng.chance(0.6) ? 'true' : 'false',
    ]);
  }
  return { header: CUSTOMERS.header, rows: out };
}

const countrySyn = Object.fromEntries(Object.entries(COUNTRIES).map(([code, c]) => [code, [...c.names, code.toLowerCase()]]));

export const CUSTOMERS: TableRoles = {
  name: 'customers',
  header: ['customer_id', 'name', 'email', 'phone', 'signup_date', 'status', 'country', 'city', 'zip', 'amount', 'currency', 'discount_pct', 'opt_in'],
  columns: {
    name: { kinds: ['typo', 'case-whitespace', 'missing'] },
    email: { kinds: ['email-disguise', 'typo', 'missing', 'swap'], swapWith: 'phone' },
    phone: { kinds: ['phone-format', 'typo', 'missing'] },
    signup_date: { kinds: ['date-format', 'missing'], temporal: 'date' },
    status: {
      kinds: ['enum-synonym', 'case-whitespace', 'typo'],
      synonyms: { active: ['enabled', 'live', 'Active'], inactive: ['disabled', 'dormant'], pending: ['in progress', 'awaiting'], cancelled: ['canceled', 'cancel', 'CANCELED'] },
    },
    country: { kinds: ['enum-synonym', 'fd-violation', 'missing'], synonyms: countrySyn, determinant: ['zip'] },
    city: { kinds: ['typo', 'case-whitespace', 'fd-violation', 'glued'], determinant: ['zip'], glueFrom: 'country' },
    zip: { kinds: ['typo', 'missing'] },
    amount: { kinds: ['currency', 'number-format'], currencyColumn: 'currency' },
    currency: { kinds: ['case-whitespace', 'fd-violation', 'enum-synonym'], determinant: ['country'], synonyms: { USD: ['$', 'US$', 'usd'], EUR: ['€', 'euro', 'Euro'], GBP: ['£', 'pound'], CAD: ['C$', 'cad'] } },
    discount_pct: { kinds: ['unit', 'missing'], units: ['%', ' %', ' pct', ' percent'] },
    opt_in: { kinds: ['enum-synonym'], synonyms: TRUE_FALSE },
  },
};
