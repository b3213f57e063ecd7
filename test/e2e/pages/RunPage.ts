// The Run screen: stage progress while running, then the result: equation, gates, drift.
import { AppShell } from './AppShell.js';

export class RunPage extends AppShell {
  stages() {
    return this.page.getByTestId('stages');
  }

  result() {
    return this.page.getByTestId('run-result');
  }

  /**
   * Waits for the run's result, past its remediation job: the app answers with the fast lane
   * ('remediating') and the job goes on in the background; the result is the run once it ended.
   */
  async waitForResult(timeout: number): Promise<string> {
    await this.page.locator('[data-testid="run-result"]:not([data-status="remediating"])').waitFor({ timeout });
    return (await this.result().getAttribute('data-status')) ?? '';
  }

  /** Waits for the answer of the fast lane only: the result as first shown, whatever its status. */
  async waitForFastLane(timeout: number): Promise<string> {
    await this.result().waitFor({ timeout });
    return (await this.result().getAttribute('data-status')) ?? '';
  }

  /** The background remediation job's card (a run shown while its job runs). */
  job() {
    return this.page.getByTestId('job');
  }

  /** The state the result is shown as (runBadges): completed, completed-with-quarantine, sev1, held, halted, already-processed, rejected, cancelled, interrupted. */
  async state(): Promise<string> {
    return (await this.result().getAttribute('data-state')) ?? '';
  }

  banner() {
    return this.page.getByTestId('run-banner');
  }

  async headline(): Promise<string> {
    return this.page.getByTestId('run-headline').innerText();
  }

  /** The line of numbers under the headline. */
  async numbers(): Promise<string> {
    return this.page.getByTestId('run-numbers').innerText();
  }

  /** The banner's text colour as the browser computed it, e.g. rgb(200, 40, 45). */
  async bannerColour(): Promise<string> {
    return this.banner().evaluate((el) => getComputedStyle(el).color);
  }

  /** The reconciliation table's Check column, stage by stage: [stage, 'balanced' | 'broken']. */
  async stageChecks(): Promise<[string, string][]> {
    const rows = await this.page.getByTestId('reconciliation').locator('tbody tr').all();
    return Promise.all(rows.map(async (r) => [await r.locator('td').first().innerText(), await r.locator('td').last().innerText()] as [string, string]));
  }

  /** The "Export" next step under the result. */
  exportStep() {
    return this.page.getByTestId('next-export');
  }

  /** The "Open the quarantine" next step under the result. */
  quarantineStep() {
    return this.page.getByTestId('next-quarantine');
  }

  async decide(which: 'Release the batch' | 'Reject the batch'): Promise<void> {
    await this.page.getByRole('button', { name: which }).click();
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

  /** The note on a run that enforced inferred rules nobody had confirmed (closed until opened). */
  unconfirmedRules() {
    return this.page.getByTestId('run-unconfirmed-rules');
  }

  /** Opens the note and reads its list of rules. */
  async unconfirmedList(): Promise<string[]> {
    const note = this.unconfirmedRules();
    if ((await note.getAttribute('open')) === null) await note.locator('summary').click();
    return this.page.getByTestId('run-unconfirmed-list').locator('li').allInnerTexts();
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
