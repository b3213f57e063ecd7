// Models: the language models and the embedding model this machine has (size, SHA-256, what the
// GGUF header says, the last measured speed), and how to install one from a USB stick, in words:
// a desktop user copies files with the file manager, never types commands. Nothing is ever downloaded.
import type { GgufFileView, ModelFileView, ModelStatus } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { bytes, count, dateTime } from '../format.js';
import { Badge } from '../components/Badge.js';
import { Icon } from '../components/Icon.js';
import { ScreenHeader } from '../components/ScreenHeader.js';

/** 134515008 → "134.5 M" */
function parameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  return count(n);
}

function Speed({ speed }: { speed: GgufFileView['speed'] }) {
  if (!speed) return <span className="muted">not measured yet</span>;
  return <span><strong>{speed.tokensPerSecond.toFixed(1)} tokens/s</strong> <span className="small muted">with {speed.threads} thread{speed.threads === 1 ? '' : 's'}, measured {dateTime(speed.measuredAt)}</span></span>;
}

function modelLine(m: GgufFileView): string {
  return [m.name, m.architecture && `${m.architecture} architecture`, m.parameters > 0 && `${parameters(m.parameters)} parameters`].filter(Boolean).join(' · ');
}

function LanguageModel({ models, llm }: { models: ModelStatus; llm: GgufFileView }) {
  return (
    <>
      {llm.problem && <div className="note note-red small">{llm.fileName} is {llm.problem}. Copy the file again.</div>}
      <dl className="model-facts">
        <dt>File</dt><dd className="mono strong">{llm.fileName}</dd>
        <dt>Size</dt><dd>{bytes(llm.sizeBytes)}</dd>
        <dt>SHA-256</dt><dd className="mono hash small">{llm.sha256}</dd>
        <dt>Model</dt><dd>{modelLine(llm) || <span className="muted">the file does not say</span>}</dd>
        {llm.contextLength !== null && <><dt>Context</dt><dd>{count(llm.contextLength)} tokens</dd></>}
        <dt>Speed</dt><dd data-testid="llm-speed"><Speed speed={llm.speed} /></dd>
        <dt>Runs on</dt><dd>{models.device}</dd>
        {models.lastRun && <><dt>Last used</dt><dd className="small">{models.lastRun.llm ?? 'not by the last run'}</dd></>}
        <dt>Chat template</dt>
        <dd data-testid="llm-template">
          {llm.chatTemplate
            ? <pre className="code template">{llm.chatTemplate}</pre>
            : <span className="muted">none in the file: it is probably a base model, not tuned to follow instructions</span>}
        </dd>
      </dl>
    </>
  );
}

function OtherModels({ others }: { others: GgufFileView[] }) {
  return (
    <section className="card" data-testid="other-llms">
      <div className="card-head"><h3>Other GGUF files in the folder</h3><Badge>not used</Badge></div>
      <p className="small muted">Airlock uses the first <span className="mono">.gguf</span> file by name (shown above). To use one of these instead, give it a name that sorts first, or move the others out of the folder.</p>
      <table className="table compact">
        <thead><tr><th>File</th><th>Model</th><th className="num">Size</th><th>Speed</th><th>Chat template</th><th>SHA-256</th></tr></thead>
        <tbody>
          {others.map((m) => (
            <tr key={m.path}>
              <td className="mono small">{m.fileName}</td>
              <td className="small">{m.problem ?? modelLine(m)}</td>
              <td className="num">{bytes(m.sizeBytes)}</td>
              <td className="small"><Speed speed={m.speed} /></td>
              <td className="small">{m.chatTemplate ? 'in the file' : <span className="muted">none</span>}</td>
              <td className="mono tiny hash">{m.sha256}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ModelsScreen() {
  const { models, refreshModels } = useApp();
  return (
    <div className="screen">
      <ScreenHeader
        title="Models"
        subtitle="Local models only. Airlock cleans without them; with them it proposes more fixes and merges look-alike failures."
        actions={<button className="btn btn-secondary" onClick={() => void refreshModels()}><Icon name="refresh" size={16} />Check again</button>}
      />
      {!models && <div className="note note-blue"><span className="spinner" />Reading the models folder and hashing the files…</div>}
      {models && (
        <>
          <div className="two-col">
            <section className="card" data-testid="llm">
              <div className="card-head"><h3>Language model (GGUF)</h3>{models.llm ? <Badge tone="green">installed</Badge> : <Badge>not installed</Badge>}</div>
              {models.llm
                ? <LanguageModel models={models} llm={models.llm} />
                : <p className="small muted">No <span className="mono">.gguf</span> file in the models folder. Fixes come from deterministic rule synthesis only.</p>}
            </section>
            <section className="card" data-testid="embedder">
              <div className="card-head"><h3>Embedding model (ONNX)</h3>{models.embedder ? <Badge tone="green">installed</Badge> : <Badge>not installed</Badge>}</div>
              {models.embedder ? (
                <>
                  <dl className="model-facts"><dt>Folder</dt><dd className="mono strong">{models.embedder.name}</dd><dt>Runs on</dt><dd>CPU (onnxruntime)</dd></dl>
                  <table className="table compact">
                    <thead><tr><th>File</th><th className="num">Size</th><th>SHA-256</th></tr></thead>
                    <tbody>{models.embedder.files.map((f: ModelFileView) => <tr key={f.path}><td className="mono small">{f.path.slice(models.embedder!.dir.length + 1)}</td><td className="num">{bytes(f.sizeBytes)}</td><td className="mono tiny hash">{f.sha256}</td></tr>)}</tbody>
                  </table>
                </>
              ) : <p className="small muted">No embedding model folder. Failures are grouped by their shape only.</p>}
            </section>
          </div>
          {models.otherLlms.length > 0 && <OtherModels others={models.otherLlms} />}
          {models.speedProblem && <div className="note note-amber small">{models.speedProblem}</div>}
          <section className="card usb">
            <div className="card-head"><h3><Icon name="usb" /> Install a model from a USB stick</h3></div>
            <ol className="steps">
              <li>On a connected computer, get the model files and note the SHA-256 their publisher gives: a language model is one <span className="mono">.gguf</span> file; an embedding model is a folder holding <span className="mono">config.json</span>, <span className="mono">tokenizer.json</span>, <span className="mono">tokenizer_config.json</span> and <span className="mono">onnx/model.onnx</span>. Put them on the stick.</li>
              <li>On this computer, open the stick in your file manager and copy the <span className="mono">.gguf</span> file, or the whole embedding model folder, into the models folder: <span className="mono strong">{models.dir}</span></li>
              <li>Press <em>Check again</em> above. The files appear here with their SHA-256: compare it with the publisher’s before you rely on the model.</li>
            </ol>
          </section>
        </>
      )}
    </div>
  );
}
