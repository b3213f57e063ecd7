// The Quarantine screen: facets, chart, the virtualized grid.
import { AppShell } from './AppShell.js';

export class QuarantinePage extends AppShell {
  async total(): Promise<number> {
    const t = this.page.getByTestId('grid-total');
    await t.waitFor();
    return Number((await t.innerText()).replace(/,/g, ''));
  }

  /** Waits until the grid's total is not `previous` (after a filter). */
  async totalChangedFrom(previous: number): Promise<number> {
    await this.page.waitForFunction((prev) => {
      const el = document.querySelector('[data-testid="grid-total"]');
      return el && Number(el.textContent!.replace(/,/g, '')) !== prev;
    }, previous);
    return this.total();
  }

  async facet(kind: 'reason' | 'column', value: string): Promise<number> {
    const button = this.page.locator(`[data-facet="${kind}"] button[data-value="${value}"]`);
    const n = Number((await button.locator('.facet-count').innerText()).replace(/,/g, ''));
    await button.click();
    return n;
  }

  async facetValues(kind: 'reason' | 'column'): Promise<string[]> {
    await this.page.locator(`[data-facet="${kind}"] button`).first().waitFor();
    return this.page.locator(`[data-facet="${kind}"] button`).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('search').fill(text);
  }

  /** The reasons column of the rows currently drawn. */
  async visibleReasons(): Promise<string[]> {
    await this.page.locator('.grid-row[data-loaded="yes"]').first().waitFor();
    return this.page.locator('.grid-row[data-loaded="yes"] .gc-reasons').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? e.textContent ?? ''));
  }

  async visibleReasonTitles(): Promise<string[][]> {
    await this.page.locator('.grid-row[data-loaded="yes"]').first().waitFor();
    return this.page.locator('.grid-row[data-loaded="yes"] .gc-reasons').evaluateAll((els) => els.map((e) => [...e.querySelectorAll('.reason-pill')].map((p) => p.getAttribute('title') ?? '')));
  }

  /** Clicks a failing cell of a drawn row (Ctrl-click with `add`, to pick more of the column). */
  async pickCell(rowId: number, column: string, add = false): Promise<void> {
    const cell = this.page.locator(`.grid-row[data-row-id="${rowId}"] .gc-pick[data-column="${column}"]`);
    await cell.click(add ? { modifiers: ['Control'] } : undefined);
    await this.page.getByTestId('manual-edit').waitFor();
  }

  /** Types the new value for the picked cells and proposes the edit; returns the outcome's status. */
  async proposeEdit(value: string): Promise<string> {
    await this.page.getByTestId('manual-value').fill(value);
    await this.page.getByTestId('propose-edit').click();
    const outcome = this.manualOutcome();
    await outcome.waitFor({ timeout: 120_000 });
    return (await outcome.getAttribute('data-status')) ?? '';
  }

  manualOutcome() {
    return this.page.getByTestId('manual-outcome');
  }

  async openInReview(): Promise<void> {
    await this.manualOutcome().getByTestId('open-review').click();
    await this.page.locator('main[data-screen="review"]').waitFor();
  }

  chartBars() {
    return this.page.getByTestId('failure-chart').locator('rect');
  }
}
