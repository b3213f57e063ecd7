// The Review screen's history panel: the run's steps, Undo, Revert to here, Revert to the start.
import type { Page } from 'playwright-core';

export class HistoryPanelPage {
  constructor(readonly page: Page) {}

  steps() {
    return this.page.getByTestId('history').getByTestId('history-step');
  }

  /** Each step as shown, newest first: its kind badge text, label and whether it is undone. */
  async list(): Promise<Array<{ label: string; undone: boolean }>> {
    await this.page.getByTestId('history').waitFor();
    return this.steps().evaluateAll((els) => els.map((e) => ({ label: e.querySelector('.history-label')?.textContent ?? '', undone: e.getAttribute('data-undone') === 'true' })));
  }

  /** Waits until the panel lists `n` steps still in effect. */
  async waitForOpen(n: number): Promise<void> {
    await this.page.waitForFunction((k) => document.querySelectorAll('[data-testid="history-step"][data-undone="false"]').length === k, n, { timeout: 60_000 });
  }

  async undo(): Promise<void> {
    await this.page.getByTestId('history-undo').click();
  }

  async revertToStep(label: RegExp): Promise<void> {
    const step = this.steps().filter({ hasText: label }).first();
    await step.getByTestId('history-revert').click();
  }

  async revertToStart(): Promise<void> {
    await this.page.getByTestId('history-revert-start').click();
  }
}
