// The contract's YAML, editable, with line numbers and the line the engine complained about marked.
import { useRef } from 'react';

export function YamlEditor({ value, onChange, problemLine }: { value: string; onChange(v: string): void; problemLine?: number }) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  return (
    <div className="yaml-editor">
      <div className="yaml-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={problemLine === i + 1 ? 'bad' : undefined}>{i + 1}</div>
        ))}
      </div>
      <textarea
        data-testid="yaml"
        spellCheck={false}
        value={value}
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => { if (gutter.current) gutter.current.scrollTop = (e.target as HTMLTextAreaElement).scrollTop; }}
      />
    </div>
  );
}
