// The Review screen: clusters, the selected one's fix and diff, keyboard decisions, promotion.
import { AppShell } from './AppShell.js';

export class ReviewPage extends AppShell {
  clusters() {
    return this.page.getByTestId('clusters').locator('.cluster-item');
  }

  selected() {
    return this.page.getByTestId('clusters').locator('.cluster-item.selected');
  }

  async selectedId(): Promise<string> {
    return (await this.selected().getAttribute('data-cluster-id')) ?? '';
  }

  /** Presses a key with the focus on the page body (shortcuts are ignored while typing). */
  async press(key: string): Promise<void> {
    await this.page.locator('body').press(key);
  }

  async statusOf(clusterId: string): Promise<string> {
    return this.page.locator(`.cluster-item[data-cluster-id="${clusterId}"] .badge`).first().innerText();
  }

  diff() {
    return this.page.getByTestId('diff');
  }

  /** The full preview of the selected fix: its numbers, its groups of changes and their pager. */
  preview() {
    return this.page.getByTestId('cluster-detail').getByTestId('fix-preview');
  }

  /** Waits until the preview shows the engine's answer for the rule as it stands (not one still on its way). */
  async previewSettled(): Promise<void> {
    await this.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="fix-preview"]');
      return el && el.getAttribute('data-state') !== 'pending' && el.getAttribute('data-state') !== 'none';
    }, undefined, { timeout: 60_000 });
  }

  /** The preview's numbers as the screen shows them. */
  async previewNumbers(): Promise<{ cells: number; rows: number; leave: number; still: number; regressions: number; groups: number }> {
    await this.previewSettled();
    const n = this.preview().getByTestId('fix-numbers');
    const read = async (k: string) => Number(await n.getAttribute(`data-${k}`));
    return { cells: await read('cells'), rows: await read('rows'), leave: await read('leave'), still: await read('still'), regressions: await read('regressions'), groups: await read('groups') };
  }

  /** The groups of changes on the page shown: column, before, after and cells of each. */
  async previewGroups(): Promise<Array<{ before: string; after: string; cells: number }>> {
    await this.previewSettled();
    return this.preview().locator('[data-testid="diff"] tbody tr').evaluateAll((els) => els.map((e) => ({
      before: e.getAttribute('data-before') ?? '', after: e.getAttribute('data-after') ?? '', cells: Number(e.getAttribute('data-cells')),
    })));
  }

  /** Turns to the next page of changes; false when there is none. */
  async nextChanges(): Promise<boolean> {
    const next = this.preview().getByRole('button', { name: 'Next changes' });
    if (!(await next.count()) || await next.isDisabled()) return false;
    const first = await this.preview().locator('[data-testid="diff"] tbody tr').first().getAttribute('data-group');
    await next.click();
    await this.page.waitForFunction((g) => document.querySelector('[data-testid="fix-preview"] [data-testid="diff"] tbody tr')?.getAttribute('data-group') !== g, first);
    return true;
  }

  approveButton() {
    return this.page.getByTestId('cluster-detail').getByTestId('approve');
  }

  approveReason() {
    return this.page.getByTestId('cluster-detail').getByTestId('approve-reason');
  }

  /** Types an expression into the rule editor's first SET box. */
  async typeExpression(text: string): Promise<void> {
    await this.rule().getByTestId('rule-editor').locator('textarea').first().fill(text);
  }

  /** Selects a pattern by clicking it in the list. */
  async select(clusterId: string): Promise<void> {
    await this.page.locator(`.cluster-item[data-cluster-id="${clusterId}"]`).click();
    await this.page.locator(`[data-testid="cluster-detail"][data-cluster-id="${clusterId}"]`).waitFor();
  }

  /** The selected pattern's rule: its kind, sentence, table or SQL, and the editor it opens. */
  rule() {
    return this.page.getByTestId('cluster-detail').getByTestId('rule');
  }

  async ruleKind(): Promise<string> {
    return (await this.rule().getAttribute('data-kind')) ?? '';
  }

  /** The rule's sentence, without its kind label. */
  async sentence(): Promise<string> {
    return this.rule().getByTestId('rule-sentence').locator('span').last().innerText();
  }

  ruleTable() {
    return this.rule().getByTestId('rule-table');
  }

  /** Narrows the rule's table to lines containing `text` (the box shows on long tables only). */
  async filterLines(text: string): Promise<void> {
    const box = this.rule().getByTestId('rule-filter');
    if (await box.count()) await box.fill(text);
  }

  /** "yes" or "no" for the read-only table's line whose first cell is `key`. */
  async applied(key: string): Promise<string | null> {
    await this.filterLines(key);
    const rows = this.ruleTable().locator('tbody tr');
    await rows.first().waitFor();
    const all = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-applied')]));
    return all.find(([k]) => k === key)?.[1] ?? null;
  }

  async edit(): Promise<void> {
    await this.rule().getByTestId('edit-rule').click();
  }

  /** Whichever editor the rule's kind opens. */
  editor() {
    return this.rule().locator('[data-testid="rule-editor"], [data-testid="map-editor"], [data-testid="manual-editor"], [data-testid="params-editor"]').first();
  }

  mapEditor() {
    return this.rule().getByTestId('map-editor');
  }

  async setApplied(from: string, on: boolean): Promise<void> {
    const box = this.mapEditor().getByTestId('rule-filter');
    if (await box.count()) await box.fill(from);
    await this.mapEditor().getByLabel(`apply ${from}`, { exact: true }).setChecked(on);
  }

  /** Saves the edited map and waits for the new proposal to replace the one edited. */
  async saveMap(previousId: string): Promise<void> {
    await this.mapEditor().getByTestId('save-map').click();
    await this.page.waitForFunction((id) => {
      const el = document.querySelector('[data-testid="cluster-detail"] [data-testid="rule"]');
      return el && !document.querySelector('[data-testid="map-editor"]') && document.querySelector('[data-testid="cluster-detail"]')?.getAttribute('data-proposal-id') !== id;
    }, previousId, { timeout: 120_000 });
  }

  async promote(): Promise<void> {
    await this.page.getByTestId('promote').click();
    await this.page.getByTestId('promoted').waitFor({ timeout: 120_000 });
  }
}
