// The navigation rail: the nine screens in the order of an analyst's day, with the workspace
// and the offline state at the bottom.
import { useApp, type Screen } from '../store.js';
import { Icon } from './Icon.js';

const ITEMS: { screen: Screen; label: string; icon: string }[] = [
  { screen: 'start', label: 'Start', icon: 'start' },
  { screen: 'contract', label: 'Contract', icon: 'contract' },
  { screen: 'run', label: 'Run', icon: 'run' },
  { screen: 'quarantine', label: 'Quarantine', icon: 'quarantine' },
  { screen: 'review', label: 'Review', icon: 'review' },
  { screen: 'recipe', label: 'Recipe', icon: 'refresh' },
  { screen: 'export', label: 'Export', icon: 'export' },
  { screen: 'models', label: 'Models', icon: 'models' },
  { screen: 'audit', label: 'Audit', icon: 'audit' },
];

export function Sidebar() {
  const { screen, go, active, info } = useApp();
  return (
    <nav className="sidebar" aria-label="Screens">
      <div className="brand">
        <div className="brand-mark"><Icon name="lock" size={18} /></div>
        <div>
          <div className="brand-name">Airlock</div>
          <div className="brand-sub">Offline data clearance</div>
        </div>
      </div>
      <ul className="nav">
        {ITEMS.map((item) => (
          <li key={item.screen}>
            <button className={`nav-item ${screen === item.screen ? 'active' : ''}`} data-nav={item.screen} onClick={() => go(item.screen)}>
              <Icon name={item.icon} />
              <span>{item.label}</span>
              {item.screen === 'run' && active && <span className="nav-pulse" title="A run is in progress" />}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <div className="offline"><span className="dot" />Offline · nothing leaves this machine</div>
        {info && <div className="ws" title={info.workspace}>Workspace: {info.workspace}</div>}
      </div>
    </nav>
  );
}
