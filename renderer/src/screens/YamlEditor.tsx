// The contract's YAML, editable, with line numbers, the line the engine complained about marked,
// and a way to jump to it.
import { useRef } from 'react';

const LINE_HEIGHT = 18;

export function YamlEditor({ value, onChange, problemLine }: { value: string; onChange(v: string): void; problemLine?: number }) {
  const gutter = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const lines = value.split('\n');
  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    el.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT);
  };
  return (
    <>
      <div className="yaml-editor">
        <div className="yaml-gutter" ref={gutter} aria-hidden="true">
          {lines.map((_, i) => (
            <div key={i} className={problemLine === i + 1 ? 'bad' : undefined}>{i + 1}</div>
          ))}
        </div>
        <textarea
          ref={area}
          data-testid="yaml"
          spellCheck={false}
          value={value}
          wrap="off"
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => { if (gutter.current) gutter.current.scrollTop = (e.target as HTMLTextAreaElement).scrollTop; }}
        />
      </div>
      {problemLine && <button className="link small goto" onClick={() => goTo(problemLine)} data-testid="goto-line">Go to line {problemLine}</button>}
    </>
  );
}
