// The Start screen: the drop zone, the file picker, the recent runs.
import { AppShell } from './AppShell.js';

export class StartPage extends AppShell {
  /** Drops a file on the drop zone the way a file manager does (a DataTransfer with a File). */
  async dropFile(path: string): Promise<void> {
    await this.open('start');
    const name = await this.registerPath(path);
    const dt = await this.page.evaluateHandle((n) => {
      const d = new DataTransfer();
      d.items.add(new File(['(the engine reads the file from disk)'], n, { type: n.endsWith('.csv') ? 'text/csv' : 'application/octet-stream' }));
      return d;
    }, name);
    const zone = this.page.getByTestId('dropzone');
    await zone.dispatchEvent('dragenter', { dataTransfer: dt });
    await zone.dispatchEvent('drop', { dataTransfer: dt });
  }

  async chooseFile(path: string): Promise<void> {
    await this.open('start');
    await this.registerPath(path);
    await this.page.getByTestId('file-input').setInputFiles(path);
  }

  recentRuns() {
    return this.page.getByTestId('recent-runs').locator('tbody tr');
  }
}
