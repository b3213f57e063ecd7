// The Models screen.
import { AppShell } from './AppShell.js';

export class ModelsPage extends AppShell {
  llm() {
    return this.page.getByTestId('llm');
  }

  embedder() {
    return this.page.getByTestId('embedder');
  }
}
