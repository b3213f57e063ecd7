// The Export screen: export the run, read the verification of its bundle.
import { AppShell } from './AppShell.js';

export class ExportPage extends AppShell {
  async exportAs(format: 'csv' | 'parquet'): Promise<void> {
    await this.page.getByLabel(format === 'csv' ? /CSV/ : /Parquet/).first().check();
    await this.page.getByTestId('export').click();
    await this.page.getByTestId('export-result').waitFor({ timeout: 120_000 });
  }

  async verification(): Promise<string> {
    return this.page.getByTestId('export-result').getByTestId('verification').innerText();
  }

  /** Opens the signed report the way the analyst does, with the button above the files. */
  async openReport(): Promise<void> {
    await this.page.getByTestId('open-report').click();
  }

  reportLink() {
    return this.page.getByTestId('report-link');
  }

  async writtenFiles(): Promise<string[]> {
    return this.page.getByTestId('export-result').locator('tbody tr td:first-child').allInnerTexts();
  }
}
