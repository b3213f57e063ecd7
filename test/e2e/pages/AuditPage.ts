// The Audit screen: the chain verdict and the timeline.
import { AppShell } from './AppShell.js';

export class AuditPage extends AppShell {
  async chain(): Promise<string> {
    return this.page.getByTestId('chain').innerText();
  }

  entries() {
    return this.page.getByTestId('timeline').locator('li');
  }

  async kinds(): Promise<string[]> {
    return this.page.getByTestId('timeline').locator('.tl-kind').allInnerTexts();
  }
}
