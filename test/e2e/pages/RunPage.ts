// The Run screen: stage progress while running, then the result: equation, gates, drift.
import { AppShell } from './AppShell.js';

export class RunPage extends AppShell {
  stages() {
    return this.page.getByTestId('stages');
  }

  result() {
    return this.page.getByTestId('run-result');
  }

  async waitForResult(timeout: number): Promise<string> {
    await this.result().waitFor({ timeout });
    return (await this.result().getAttribute('data-status')) ?? '';
  }

  /** The equation's numbers as shown: source, clean, quarantine, duplicates (and pending). */
  async equation(): Promise<number[]> {
    const texts = await this.page.getByTestId('equation').locator('.term .n').allInnerTexts();
    return texts.map((t) => Number(t.replace(/,/g, '')));
  }

  async reconciled(): Promise<boolean> {
    return (await this.page.getByTestId('equation').locator('.verdict').innerText()).includes('✓');
  }

  gates() {
    return this.page.getByTestId('gates').locator('tbody tr');
  }

  drift() {
    return this.page.getByTestId('drift');
  }

  async driftChanges(): Promise<string[]> {
    return this.drift().locator('tbody tr').allInnerTexts();
  }

  async acceptDrift(): Promise<void> {
    await this.page.getByTestId('drift-accept').click();
  }
}
