// A value before and after a fix, with the part that changed marked (common start and end kept plain).
function split(a: string, b: string): [string, string, string, string] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return [a.slice(0, p), a.slice(p, a.length - s), b.slice(p, b.length - s), a.slice(a.length - s)];
}

const show = (v: string | null) => (v === null ? '∅' : v);

export function DiffText({ before, after }: { before: string | null; after: string | null }) {
  if (before === after) return <span className="diff-same">{show(before)} <em>(unchanged)</em></span>;
  if (before === null || after === null) {
    return <><del className="diff-del">{show(before)}</del><span className="diff-arrow">→</span><ins className="diff-ins">{show(after)}</ins></>;
  }
  const [head, was, now, tail] = split(before, after);
  return (
    <>
      <del className="diff-del">{head}<mark>{was}</mark>{tail}</del>
      <span className="diff-arrow">→</span>
      <ins className="diff-ins">{head}<mark>{now}</mark>{tail}</ins>
    </>
  );
}
