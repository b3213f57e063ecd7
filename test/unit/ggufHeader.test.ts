// C3: a model file is checked structurally before node-llama-cpp sees it. Truncated and garbled
// headers built from the tiny test model (hundreds of seeded variants) are refused with a
// ModelLoadError, quickly; the intact model still passes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGgufFile } from '../../main/models/modelFiles.js';
import { ModelLoadError } from '../../main/models/modelLoadError.js';
import { tinyLlamaGguf } from '../../main/models/tiny/tinyLlamaGguf.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { cliRun, expectUserError } from '../helpers/cli.js';
import { csvText, peopleContract, PEOPLE_HEADER, peopleRows, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const model = tinyLlamaGguf();
const dir = tempDir('gguf-fuzz');
const file = join(dir, 'm.gguf');

function check(buf: Buffer): unknown {
  writeFileSync(file, buf);
  try {
    checkGgufFile(file);
    return null;
  } catch (e) {
    return e;
  }
}

/** Garbling and short truncations stay in the first 4 KiB: the header and metadata region. */
const headerEnd = Math.min(4096, model.length - 64);

describe('GGUF header validation (C3)', () => {
  it('the intact tiny model passes', () => {
    expect(check(model)).toBeNull();
  });

  it("the reported fake ('GGUF', version 3, garbage) is refused", () => {
    const e = check(Buffer.concat([Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'), Buffer.from('garbage')]));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect((e as Error).message).toMatch(/not a usable GGUF model file/);
  });

  it('300 truncations anywhere before the last tensor ends are refused', () => {
    const rand = seededRandom(3);
    for (let i = 0; i < 300; i++) {
      // Anything shorter than the file minus its final padding (under 32 bytes) lacks real bytes.
      const len = i < 150 ? Math.floor(rand() * Math.min(headerEnd, model.length)) : Math.floor(rand() * (model.length - 32));
      const e = check(model.subarray(0, len));
      expect(e, `truncated at ${len}`).toBeInstanceOf(ModelLoadError);
    }
  });

  it('huge or wrong counts and versions in the fixed header are refused', () => {
    const rand = seededRandom(4);
    for (let i = 0; i < 200; i++) {
      const b = Buffer.from(model);
      const field = [[4, 4], [8, 8], [16, 8]][i % 3];
      if (field[0] === 4) b.writeUInt32LE([0, 1, 4, 5, 0xffffffff, 4 + Math.floor(rand() * 1e9)][i % 6], 4);
      else b.writeBigUInt64LE(BigInt(model.readBigUInt64LE(field[0])) + 1n + BigInt(Math.floor(rand() * 2 ** 40)) * BigInt(1 + (i % 7)), field[0]);
      const e = check(b);
      expect(e, `field at ${field[0]}`).toBeInstanceOf(ModelLoadError);
    }
  });

  it('300 garbled headers: each is refused as a ModelLoadError or passes the structure check, never anything else, and fast', () => {
    const rand = seededRandom(5);
    const started = Date.now();
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(model);
      const n = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < n; k++) b[8 + Math.floor(rand() * (headerEnd - 8))] = Math.floor(rand() * 256);
      const e = check(b);
      if (e !== null) {
        expect(e, String(e)).toBeInstanceOf(ModelLoadError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    // Bounded work: 300 checks of a small file (generous, only catches a runaway parse).
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('the CLI refuses a fake model with one line and exit 2', async () => {
    const d = tempDir('gguf-cli');
    const fake = writeInput(d, 'f.gguf', Buffer.concat([Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'), Buffer.from('garbage')]));
    const contract = writeInput(d, 'people.odcs.yaml', peopleContract());
    const input = writeInput(d, 'p.csv', csvText(PEOPLE_HEADER, peopleRows(1, 3)));
    const line = expectUserError(await cliRun(input, contract, join(d, 'ws'), ['--model', fake, '--no-embedder']));
    expect(line).toMatch(/f\.gguf is not a usable GGUF model file/);
  }, 60_000);
});
