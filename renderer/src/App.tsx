// The window: navigation on the left, the current screen on the right. Stray file drops are
// cancelled everywhere so a file dropped outside the drop zone never replaces the app.
import { useEffect } from 'react';
import { useApp } from './store.js';
import { Sidebar } from './components/Sidebar.js';
import { StartScreen } from './screens/StartScreen.js';
import { ContractScreen } from './screens/ContractScreen.js';
import { RunScreen } from './screens/RunScreen.js';
import { QuarantineScreen } from './screens/QuarantineScreen.js';
import { ReviewScreen } from './screens/ReviewScreen.js';
import { ExportScreen } from './screens/ExportScreen.js';
import { ModelsScreen } from './screens/ModelsScreen.js';
import { AuditScreen } from './screens/AuditScreen.js';
import { RecipeScreen } from './screens/RecipeScreen.js';

const SCREENS = {
  start: StartScreen, contract: ContractScreen, run: RunScreen, quarantine: QuarantineScreen,
  review: ReviewScreen, recipe: RecipeScreen, export: ExportScreen, models: ModelsScreen, audit: AuditScreen,
};

export function App() {
  const screen = useApp((s) => s.screen);
  const boot = useApp((s) => s.boot);
  useEffect(() => {
    void boot();
    const stop = (e: DragEvent) => e.preventDefault();
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, [boot]);
  const Screen = SCREENS[screen];
  return (
    <div className="app">
      <Sidebar />
      <main className="main" data-screen={screen}>
        <Screen />
      </main>
    </div>
  );
}
