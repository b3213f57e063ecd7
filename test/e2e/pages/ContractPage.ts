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

  /** The rule diff of a new version, one object per line as shown. */
  async ruleDiff(): Promise<Array<{ change: string; kind: string; before: string | null; after: string | null }>> {
    const rows = this.page.getByTestId('rule-diff-line');
    await this.page.getByTestId('rule-diff').waitFor();
    const out = [];
    for (const row of await rows.all()) {
      const cells = row.locator('td');
      const text = async (i: number) => {
        const shown = cells.nth(i).locator('del, ins');
        return (await shown.count()) === 0 ? null : (await shown.first().innerText()).trim();
      };
      out.push({ change: (await row.getAttribute('data-change'))!, kind: (await row.getAttribute('data-kind'))!, before: await text(2), after: await text(3) });
    }
    return out;
  }

  async yaml(): Promise<string> {
    return this.page.getByTestId('yaml').inputValue();
  }

  /** Scrolls the YAML pane to the first line matching `line`, with the line's end in view. */
  async showYamlLine(line: RegExp): Promise<number> {
    return this.page.getByTestId('yaml').evaluate((el, [source, flags]) => {
      const area = el as HTMLTextAreaElement;
      const re = new RegExp(source, flags);
      const lines = area.value.split('\n');
      const i = lines.findIndex((l) => re.test(l));
      if (i < 0) return -1;
      const style = getComputedStyle(area);
      const lineHeight = parseFloat(style.lineHeight);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontSize} ${style.fontFamily}`;
      area.scrollTop = Math.max(0, (i - 6) * lineHeight);
      area.scrollLeft = Math.max(0, ctx.measureText(lines[i]).width + 24 - area.clientWidth);
      area.dispatchEvent(new Event('scroll'));
      return i + 1;
    }, [line.source, line.flags] as const);
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

  async setType(column: string, type: string): Promise<void> {
    await this.column(column).getByLabel(`${column} type`).selectOption(type);
  }

  async setRequired(column: string, on: boolean): Promise<void> {
    await this.column(column).getByLabel(`${column} required`).setChecked(on);
  }

  /** How many inferred rules the header says are unconfirmed (0 when none, or all confirmed). */
  async unconfirmedCount(): Promise<number> {
    const bar = this.page.getByTestId('unconfirmed-count');
    if (!(await bar.count())) return 0;
    return Number(await bar.getAttribute('data-unconfirmed'));
  }

  inferredBar() {
    return this.page.getByTestId('inferred-bar');
  }

  /** The row under a column with its inferred rules, their evidence, and its top values and shapes. */
  evidence(column: string) {
    return this.form().locator(`tr[data-evidence="${column}"]`);
  }

  async openEvidence(column: string): Promise<void> {
    const toggle = this.column(column).getByTestId('evidence-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await this.evidence(column).waitFor();
  }

  /** Scrolls the form's table so that the column's row is the first under the header. */
  async scrollToColumn(column: string): Promise<void> {
    await this.column(column).evaluate((row) => {
      const box = row.closest('.table-scroll')!;
      const head = box.querySelector('thead')!;
      box.scrollTop = (row as HTMLElement).offsetTop - head.getBoundingClientRect().height;
    });
  }

  /** One inferred rule of a column (type, pattern, required, …) as its line under the column. */
  rule(column: string, rule: string) {
    return this.evidence(column).locator(`.inferred-rule[data-rule="${rule}"]`);
  }

  async confirmRule(column: string, rule: string, on = true): Promise<void> {
    await this.openEvidence(column);
    await this.rule(column, rule).locator('input[type="checkbox"]').setChecked(on);
  }

  /** A dependency's inferred rule, by its `a, b -> c` text. */
  dependencyRule(dependency: string) {
    return this.form().locator(`[data-dependency="${dependency}"] .inferred-rule`);
  }

  async confirmAll(): Promise<void> {
    await this.page.getByTestId('confirm-all').click();
  }

  /** The line beside the run button saying how many unconfirmed rules the run will enforce. */
  runUnconfirmed() {
    return this.page.getByTestId('run-unconfirmed');
  }

  async run(approval: 'none' | 'min-confidence' | 'all' = 'none'): Promise<void> {
    await this.page.getByTestId('approval').selectOption(approval);
    const models = this.page.getByLabel(/Use local models/);
    if (await models.isEnabled()) await models.setChecked(false);
    await this.page.getByTestId('run').click();
  }
}
