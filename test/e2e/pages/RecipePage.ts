// The Recipe screen: the contract's rules from earlier files, switched off or on, exported, imported.
import { AppShell } from './AppShell.js';

export class RecipePage extends AppShell {
  rules() {
    return this.page.getByTestId('recipe-rule');
  }

  async enabledStates(): Promise<boolean[]> {
    return (await this.rules().all()).map(async (r) => (await r.getAttribute('data-enabled')) === 'true')
      .reduce(async (acc, x) => [...(await acc), await x], Promise.resolve([] as boolean[]));
  }

  async toggle(index: number): Promise<void> {
    const row = this.rules().nth(index);
    const was = await row.getAttribute('data-enabled');
    await row.getByTestId('recipe-toggle').click();
    await this.page.waitForFunction(([i, w]) => document.querySelectorAll('[data-testid="recipe-rule"]')[Number(i)]?.getAttribute('data-enabled') !== w, [String(index), was] as const);
  }

  async exportJson(): Promise<string> {
    await this.page.getByTestId('recipe-export').click();
    const note = this.page.getByTestId('recipe-note').filter({ hasText: /^Exported/ });
    await note.waitFor();
    return note.innerText();
  }

  async importFile(path: string): Promise<void> {
    await this.registerPath(path);
    await this.page.getByTestId('recipe-input').setInputFiles(path);
  }

  count() {
    return this.page.getByTestId('recipe-count').innerText();
  }
}
