// Role descriptions for the two public tables, used as clean base tables only (their clean.csv)
// with their shared contracts unchanged. The header is the contract's spelling (clean.csv's own
// header differs); which kinds fit which column is an analyst's reading of what each column holds.
import type { TableRoles } from '../types.js';
import { stateSynonyms, YES_NO } from '../vocab.js';

const text = ['typo', 'case-whitespace'] as const;

export const HOSPITAL: TableRoles = {
  name: 'hospital',
  header: ['index', 'provider_number', 'name', 'address_1', 'address_2', 'address_3', 'city', 'state', 'zip', 'county', 'phone', 'type',
    'owner', 'emergency_service', 'condition', 'measure_code', 'measure_name', 'score', 'sample', 'state_average'],
  columns: {
    provider_number: { kinds: ['typo', 'missing'] },
    name: { kinds: [...text, 'fd-violation'], determinant: ['provider_number'] },
    address_1: { kinds: [...text, 'fd-violation'], determinant: ['provider_number'] },
    city: { kinds: [...text, 'fd-violation', 'glued', 'swap'], determinant: ['zip'], glueFrom: 'state', swapWith: 'county' },
    state: { kinds: ['enum-synonym', 'case-whitespace', 'missing'], synonyms: stateSynonyms(true) },
    zip: { kinds: ['typo', 'missing', 'fd-violation'], determinant: ['provider_number'] },
    county: { kinds: [...text, 'fd-violation'], determinant: ['zip'] },
    phone: { kinds: ['phone-format', 'typo', 'missing'] },
    type: {
      kinds: ['enum-synonym', 'case-whitespace'],
      synonyms: { 'acute care hospitals': ['acute care hospital', 'Acute Care', 'acute-care hospitals'] },
    },
    owner: { kinds: ['case-whitespace', 'fd-violation', 'typo'], determinant: ['provider_number'] },
    emergency_service: { kinds: ['enum-synonym', 'case-whitespace', 'fd-violation'], synonyms: YES_NO, determinant: ['provider_number'] },
    condition: { kinds: [...text, 'fd-violation'], determinant: ['measure_code'] },
    measure_code: { kinds: [...text] },
    measure_name: { kinds: ['typo', 'fd-violation'], determinant: ['measure_code'] },
    state_average: { kinds: [...text] },
  },
};

export const BEERS: TableRoles = {
  name: 'beers',
  header: ['index', 'id', 'beer_name', 'style', 'ounces', 'abv', 'ibu', 'brewery_id', 'brewery_name', 'city', 'state'],
  columns: {
    beer_name: { kinds: [...text] },
    style: { kinds: [...text, 'missing'] },
    ounces: { kinds: ['unit', 'number-format'], units: [' oz', ' oz.', 'oz', ' ounce', ' OZ'] },
    abv: { kinds: ['unit', 'number-format', 'missing'], units: ['%', ' %'] },
    ibu: { kinds: ['missing', 'number-format'], missingTokens: ['N/A'] },
    brewery_name: { kinds: [...text, 'fd-violation'], determinant: ['brewery_id'] },
    city: { kinds: [...text, 'fd-violation', 'glued', 'swap'], determinant: ['brewery_id'], glueFrom: 'state', swapWith: 'state' },
    state: { kinds: ['enum-synonym', 'case-whitespace', 'fd-violation', 'missing'], synonyms: stateSynonyms(false), determinant: ['brewery_id'] },
  },
};
