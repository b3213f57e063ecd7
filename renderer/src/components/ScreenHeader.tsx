// A screen's title line: what the screen is for, and the run it shows.
import type { ReactNode } from 'react';
import { RunPicker } from './RunPicker.js';

export function ScreenHeader({ title, subtitle, withRun, actions }: { title: string; subtitle?: ReactNode; withRun?: boolean; actions?: ReactNode }) {
  return (
    <header className="screen-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      <div className="header-actions">
        {actions}
        {withRun && <RunPicker />}
      </div>
    </header>
  );
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="empty">
      {icon}
      <h3>{title}</h3>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}
