// The Models screen.
import { AppShell } from './AppShell.js';

export class ModelsPage extends AppShell {
  llm() {
    return this.page.getByTestId('llm');
  }

  embedder() {
    return this.page.getByTestId('embedder');
  }

  /** the speed line of the GGUF a run uses */
  speed() {
    return this.page.getByTestId('llm-speed');
  }

  /** the chat template of the GGUF a run uses */
  template() {
    return this.page.getByTestId('llm-template');
  }

  /** the other GGUF files of the folder */
  others() {
    return this.page.getByTestId('other-llms');
  }

  /** the install-from-a-USB-stick instructions */
  install() {
    return this.page.locator('.usb');
  }

  async checkAgain(): Promise<void> {
    await this.page.getByRole('button', { name: 'Check again' }).click();
  }
}
