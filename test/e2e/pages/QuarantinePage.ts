// The Quarantine screen: facets, chart, the virtualized grid, and the row panel a row opens in.
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

  async facet(kind: 'reason' | 'column' | 'value' | 'shape' | 'number' | 'year', value: string): Promise<number> {
    const button = this.page.locator(`[data-facet="${kind}"] button[data-value="${value}"]`);
    const n = Number((await button.locator('.facet-count').innerText()).replace(/,/g, ''));
    await button.click();
    return n;
  }

  async facetValues(kind: 'reason' | 'column'): Promise<string[]> {
    await this.page.locator(`[data-facet="${kind}"] button`).first().waitFor();
    return this.page.locator(`[data-facet="${kind}"] button`).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
  }

  /** A header's facet action: that column's value, shape, number and date facets open. */
  async facetColumn(column: string): Promise<void> {
    await this.page.locator(`.gh-col[data-column="${column}"] [data-testid="facet-column"]`).click();
    await this.page.locator(`[data-testid="column-facets"][data-column="${column}"]`).waitFor();
  }

  /** The column facets' "Set these N cells" action: returns N, once the manual edit holds them. */
  async facetEdit(): Promise<number> {
    const button = this.page.getByTestId('facet-edit');
    await this.page.locator('[data-testid="facet-edit"]:not([disabled])').waitFor();
    const n = Number(await button.getAttribute('data-cells'));
    await button.click();
    await this.page.getByTestId('manual-edit').waitFor();
    return n;
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

  /** The counts a facet shows now, by value (without clicking). */
  async facetCounts(kind: 'reason' | 'column' | 'value' | 'shape' | 'number' | 'year'): Promise<Map<string, number>> {
    await this.page.locator(`[data-facet="${kind}"] button`).first().waitFor();
    const pairs = await this.page.locator(`[data-facet="${kind}"] button`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-value') ?? '', e.querySelector('.facet-count')?.textContent ?? '']));
    return new Map(pairs.map(([v, n]) => [v, Number(n.replace(/,/g, ''))]));
  }

  /** The labels a facet shows, by value (a number bucket's range, a year, "not a number"). */
  async facetLabels(kind: 'value' | 'shape' | 'number' | 'year'): Promise<Map<string, string>> {
    await this.page.locator(`[data-facet="${kind}"] button`).first().waitFor();
    const pairs = await this.page.locator(`[data-facet="${kind}"] button`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-value') ?? '', e.querySelector('.facet-name')?.textContent ?? '']));
    return new Map(pairs as [string, string][]);
  }

  /** The chips of the picks in force, as they read (each lifts its pick). */
  async chips(): Promise<string[]> {
    return this.page.locator('[data-testid="facets"] .chips .chip').allInnerTexts();
  }

  /** The facet entries shown as picked. */
  async facetPicked(kind: 'reason' | 'column' | 'value' | 'shape' | 'number' | 'year'): Promise<string[]> {
    return this.page.locator(`[data-facet="${kind}"] button.on`).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
  }

  /** Waits until a facet's counts differ from `previous` (after another facet was picked). */
  async facetCountsChangedFrom(kind: 'reason' | 'column' | 'value' | 'shape' | 'number' | 'year', previous: Map<string, number>): Promise<Map<string, number>> {
    const before = JSON.stringify([...previous]);
    await this.page.waitForFunction(([k, b]) => {
      const now = [...document.querySelectorAll(`[data-facet="${k}"] button`)].map((e) => [e.getAttribute('data-value') ?? '', Number((e.querySelector('.facet-count')?.textContent ?? '').replace(/,/g, ''))]);
      return JSON.stringify(now) !== b;
    }, [kind, before] as const);
    return this.facetCounts(kind);
  }

  /** The row ids of the rows drawn, in order. */
  async visibleRowIds(): Promise<number[]> {
    await this.page.locator('.grid-row[data-loaded="yes"]').first().waitFor();
    return this.page.locator('.grid-row[data-loaded="yes"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-id'))));
  }

  /** The column headers, in the order shown. */
  async headerColumns(): Promise<string[]> {
    await this.page.locator('.grid-head .gh-col').first().waitFor();
    return this.page.locator('.grid-head .gh-col').evaluateAll((els) => els.map((e) => e.getAttribute('data-column') ?? ''));
  }

  async sortBy(column: string): Promise<void> {
    await this.page.locator(`.grid-head .gh-col[data-column="${column}"] [data-testid="sort-column"]`).click();
  }

  async hideColumn(column: string): Promise<void> {
    await this.page.locator(`.grid-head .gh-col[data-column="${column}"] [data-testid="hide-column"]`).click();
  }

  /** Drags a column's header onto another's: the column moves just before it. */
  async moveColumn(column: string, before: string): Promise<void> {
    await this.page.locator(`.grid-head .gh-col[data-column="${column}"]`).dragTo(this.page.locator(`.grid-head .gh-col[data-column="${before}"]`));
  }

  /** Scrolls the grid sideways; returns how far it went. */
  async scrollGridLeft(px: number): Promise<number> {
    return this.page.getByTestId('grid').evaluate((el, x) => { el.scrollLeft = x; return el.scrollLeft; }, px);
  }

  /** Where the first drawn row's id and reasons cells are, from the grid's left edge, and whether the grid shows them. */
  async frozenCells(): Promise<{ id: number; reasons: number; idVisible: boolean; reasonsVisible: boolean }> {
    return this.page.getByTestId('grid').evaluate((grid) => {
      const g = grid.getBoundingClientRect();
      const row = grid.querySelector('.grid-row[data-loaded="yes"]')!;
      const at = (sel: string) => row.querySelector(sel)!.getBoundingClientRect();
      const top = (r: DOMRect) => document.elementFromPoint(r.left + 5, r.top + r.height / 2);
      const id = at('.gc-id');
      const reasons = at('.gc-reasons');
      return {
        id: id.left - g.left, reasons: reasons.left - g.left,
        idVisible: Boolean(top(id)?.closest('.gc-id')), reasonsVisible: Boolean(top(reasons)?.closest('.gc-reasons')),
      };
    });
  }

  /** Opens a drawn row in the row panel and waits for its raw line. */
  async openRow(rowId: number): Promise<void> {
    await this.page.locator(`.grid-row[data-row-id="${rowId}"] [data-testid="open-row"]`).click();
    await this.page.locator(`[data-testid="row-panel"][data-row-id="${rowId}"] [data-testid="row-checks"]`).waitFor();
  }

  rowPanel() {
    return this.page.getByTestId('row-panel');
  }

  async rawLine(): Promise<string> {
    return (await this.rowPanel().getByTestId('raw-line').textContent()) ?? '';
  }

  async rawLineNumber(): Promise<number> {
    return Number((await this.rowPanel().getByTestId('raw-line-number').innerText()).replace(/^line\s+/, ''));
  }

  async checkSentences(): Promise<{ reason: string; column: string; sentence: string; expected: string }[]> {
    return this.rowPanel().locator('[data-testid="row-checks"] > li').evaluateAll((els) => els.map((e) => ({
      reason: e.getAttribute('data-reason') ?? '', column: e.getAttribute('data-column') ?? '',
      sentence: e.querySelector('.rp-sentence')?.textContent ?? '', expected: e.querySelector('[data-testid="check-expected"]')?.textContent ?? '',
    })));
  }

  /** The rows of the panel's group for a rule, side by side: row id and the values shown. */
  async groupRows(rule: string): Promise<{ rowId: number; values: string[] }[]> {
    return this.rowPanel().locator(`[data-testid="row-group"][data-rule="${rule}"] [data-testid="group-row"]`).evaluateAll((els) => els.map((e) => ({
      rowId: Number(e.getAttribute('data-row-id')),
      values: [...e.querySelectorAll('td')].slice(1, -1).map((td) => td.textContent ?? ''),
    })));
  }

  /** The dependent values of a group with their counts. */
  async groupValues(rule: string): Promise<{ value: string; count: number }[]> {
    return this.rowPanel().locator(`[data-testid="row-group"][data-rule="${rule}"] [data-testid="group-values"] li`).evaluateAll((els) => els.map((e) => ({ value: e.getAttribute('data-value') ?? '', count: Number(e.getAttribute('data-count')) })));
  }

  /** The candidate values the panel ranks for a cell, by determinant, in rank order. */
  async candidates(column: string, determinant: string): Promise<string[]> {
    return this.rowPanel().locator(`[data-testid="row-candidates"] .rp-candidates[data-column="${column}"][data-determinant="${determinant}"] li`).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
  }

  async scrollPanelTo(testId: string): Promise<void> {
    await this.rowPanel().getByTestId(testId).first().scrollIntoViewIfNeeded();
  }

  async closeRow(): Promise<void> {
    await this.rowPanel().getByTestId('row-panel-close').click();
    await this.rowPanel().waitFor({ state: 'detached' });
  }
}
