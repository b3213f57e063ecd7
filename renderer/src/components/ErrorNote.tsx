// An error where the analyst is looking: what went wrong, where (file and line), in their words.
import type { ApiError } from '../../../main/api/contract.js';
import { Icon } from './Icon.js';

export function ErrorNote({ error, title, onDismiss }: { error: ApiError | null; title?: string; onDismiss?: () => void }) {
  if (!error) return null;
  // The engine's messages usually start with file:line already; say it again only when they don't.
  const where = error.file && !error.message.startsWith(error.file) ? `${error.file}${error.line ? `, line ${error.line}` : ''}` : null;
  const heading = title ?? (error.code === 'CANCELLED' ? 'Cancelled' : error.code === 'INTERNAL' ? 'Something went wrong inside Airlock' : 'This needs your attention');
  return (
    <div className={`note note-${error.code === 'CANCELLED' ? 'amber' : 'red'}`} role="alert">
      <Icon name={error.code === 'CANCELLED' ? 'pause' : 'alert'} size={18} />
      <div className="note-body">
        <strong>{heading}</strong>
        <p>{error.message}</p>
        {where && <p className="note-where">{where}</p>}
      </div>
      {onDismiss && <button className="btn btn-ghost btn-sm" onClick={onDismiss}>Dismiss</button>}
    </div>
  );
}
