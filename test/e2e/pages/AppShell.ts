// The frame around every screen: navigation, the run picker, screenshots, and file paths for
// the test bridge (the app gets them from Electron; the test registers them by file name).
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../harness.js';

export type ScreenName = 'start' | 'contract' | 'run' | 'quarantine' | 'review' | 'recipe' | 'export' | 'models' | 'audit';

export class AppShell {
  constructor(readonly page: Page) {}

  async open(screen: ScreenName): Promise<void> {
    await this.page.locator(`[data-nav="${screen}"]`).click();
    await this.page.locator(`main[data-screen="${screen}"]`).waitFor();
  }

  async registerPath(path: string): Promise<string> {
    const name = basename(path);
    await this.page.evaluate(([n, p]) => { (window as unknown as { __airlockPaths: Record<string, string> }).__airlockPaths[n] = p; }, [name, path] as const);
    return name;
  }

  async pickRun(runId: string): Promise<void> {
    await this.page.getByTestId('run-picker').selectOption(runId);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    // Let bars and charts settle before the picture.
    await this.page.waitForTimeout(250);
    await this.page.screenshot({ path });
    return path;
  }
}
