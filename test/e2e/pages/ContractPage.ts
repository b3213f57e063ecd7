// The Contract screen: open or propose a contract, edit the form, read the YAML, run.
import { AppShell } from './AppShell.js';

export class ContractPage extends AppShell {
  async openContract(path: string): Promise<void> {
    await this.registerPath(path);
    await this.page.getByTestId('contract-input').setInputFiles(path);
    await this.form().waitFor();
  }

  async propose(): Promise<void> {
    await this.page.getByTestId('profile').click();
    await this.form().waitFor({ timeout: 60_000 });
  }

  form() {
    return this.page.getByTestId('contract-form');
  }

  columnRows() {
    return this.form().locator('tbody tr[data-column]');
  }

  column(name: string) {
    return this.form().locator(`tr[data-column="${name}"]`);
  }

  async yaml(): Promise<string> {
    return this.page.getByTestId('yaml').inputValue();
  }

  async typeYaml(text: string): Promise<void> {
    await this.page.getByTestId('yaml').fill(text);
  }

  note() {
    return this.page.getByTestId('draft-note');
  }

  async setPattern(column: string, pattern: string): Promise<void> {
    const input = this.column(column).getByLabel(`${column} pattern`);
    await input.fill(pattern);
    await input.press('Enter');
  }

  async setRequired(column: string, on: boolean): Promise<void> {
    await this.column(column).getByLabel(`${column} required`).setChecked(on);
  }

  async run(approval: 'none' | 'min-confidence' | 'all' = 'none'): Promise<void> {
    await this.page.getByTestId('approval').selectOption(approval);
    const models = this.page.getByLabel(/Use local models/);
    if (await models.isEnabled()) await models.setChecked(false);
    await this.page.getByTestId('run').click();
  }
}
