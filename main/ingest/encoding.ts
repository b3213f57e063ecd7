// Telling text encodings apart from a file's first bytes, so that a user hears "this is UTF-16"
// rather than "binary file", and learns how to save the file as UTF-8.

/** A UTF-16 byte-order mark, or text whose every other byte is NUL (UTF-16 without a BOM). */
export function looksLikeUtf16(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 8) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  // ASCII text in UTF-16: one byte of each pair is NUL, the other almost never is.
  return (oddNul > pairs * 0.9 && evenNul < pairs * 0.1) || (evenNul > pairs * 0.9 && oddNul < pairs * 0.1);
}

export const UTF16_ADVICE = 'the file is UTF-16 text. Save it as UTF-8 CSV (in Excel: "CSV UTF-8"; or iconv -f UTF-16 -t UTF-8) and try again.';

export const LATIN1_ADVICE = 'they are not UTF-8 text: the file may be Latin-1 or Windows-1252. Save it as UTF-8 CSV and load it again.';
