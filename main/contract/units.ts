// Unit spellings the number strategy strips, grouped by the quantity they name. Stripping is
// only done when a whole cluster uses one group; there is no conversion between groups.

export interface UnitGroup {
  id: string;
  /** suffix spellings, matched case-insensitively, a trailing '.' allowed */
  aliases: string[];
  /** how a column description names this unit in words (to refuse 'ml' values for an 'ounces' column) */
  words: RegExp;
}

export const UNIT_GROUPS: UnitGroup[] = [
  { id: 'fl oz', aliases: ['fluid ounces', 'fluid ounce', 'fl. oz', 'fl oz', 'floz', 'ounces', 'ounce', 'ozs', 'oz'], words: /\bounces?\b/i },
  { id: 'ml', aliases: ['milliliters', 'milliliter', 'millilitres', 'millilitre', 'ml'], words: /\bmillilit(er|re)s?\b/i },
  { id: 'cl', aliases: ['centiliters', 'centiliter', 'centilitres', 'centilitre', 'cl'], words: /\bcentilit(er|re)s?\b/i },
  { id: 'l', aliases: ['liters', 'liter', 'litres', 'litre', 'ltr', 'lt', 'l'], words: /\blit(er|re)s?\b/i },
  { id: 'gal', aliases: ['gallons', 'gallon', 'gal'], words: /\bgallons?\b/i },
  { id: 'mg', aliases: ['milligrams', 'milligram', 'mg'], words: /\bmilligrams?\b/i },
  { id: 'g', aliases: ['grams', 'gram', 'gr', 'g'], words: /\bgrams?\b/i },
  { id: 'kg', aliases: ['kilograms', 'kilogram', 'kilos', 'kilo', 'kgs', 'kg'], words: /\bkilo(gram)?s?\b/i },
  { id: 'lb', aliases: ['pounds', 'pound', 'lbs', 'lb'], words: /\bpounds?\b/i },
  { id: 'mm', aliases: ['millimeters', 'millimeter', 'millimetres', 'millimetre', 'mm'], words: /\bmillimet(er|re)s?\b/i },
  { id: 'cm', aliases: ['centimeters', 'centimeter', 'centimetres', 'centimetre', 'cm'], words: /\bcentimet(er|re)s?\b/i },
  { id: 'm', aliases: ['meters', 'meter', 'metres', 'metre', 'm'], words: /\bmet(er|re)s?\b/i },
  { id: 'km', aliases: ['kilometers', 'kilometer', 'kilometres', 'kilometre', 'km'], words: /\bkilomet(er|re)s?\b/i },
  { id: 'in', aliases: ['inches', 'inch', 'in'], words: /\binch(es)?\b/i },
  { id: 'ft', aliases: ['feet', 'foot', 'ft'], words: /\b(feet|foot)\b/i },
  { id: 'mi', aliases: ['miles', 'mile', 'mi'], words: /\bmiles?\b/i },
  { id: 'ms', aliases: ['milliseconds', 'millisecond', 'msec', 'ms'], words: /\bmilliseconds?\b/i },
  { id: 's', aliases: ['seconds', 'second', 'secs', 'sec', 's'], words: /\bseconds?\b/i },
  { id: 'min', aliases: ['minutes', 'minute', 'mins', 'min'], words: /\bminutes?\b/i },
  { id: 'h', aliases: ['hours', 'hour', 'hrs', 'hr', 'h'], words: /\bhours?\b/i },
  { id: 'kcal', aliases: ['kilocalories', 'kcal', 'calories', 'cal'], words: /\b(kilo)?calories?\b/i },
];

/** Currency words a description may use, to refuse '$' values in a column "in euros". */
export const CURRENCY_WORDS: Record<string, RegExp> = {
  USD: /\b(us )?dollars?\b|\busd\b/i,
  EUR: /\beuros?\b|\beur\b/i,
  GBP: /\bsterling\b|\bgbp\b/i,
  JPY: /\byen\b|\bjpy\b/i,
};

/** The unit groups a column description names in words. */
export function groupsNamedIn(description: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!description) return out;
  for (const g of UNIT_GROUPS) if (g.words.test(description)) out.add(g.id);
  return out;
}
