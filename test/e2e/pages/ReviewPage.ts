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

  async promote(): Promise<void> {
    await this.page.getByTestId('promote').click();
    await this.page.getByTestId('promoted').waitFor({ timeout: 120_000 });
  }
}
