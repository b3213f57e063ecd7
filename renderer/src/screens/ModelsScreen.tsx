// Models: the language model and the embedding model this machine has (size, SHA-256, device),
// and how to install one from a USB stick. Nothing is ever downloaded.
import type { ModelFileView } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { bytes } from '../format.js';
import { Badge } from '../components/Badge.js';
import { Icon } from '../components/Icon.js';
import { ScreenHeader } from '../components/ScreenHeader.js';

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
              {models.llm ? (
                <dl className="facts">
                  <dt>File</dt><dd className="mono strong">{models.llm.fileName}</dd>
                  <dt>Size</dt><dd>{bytes(models.llm.sizeBytes)}</dd>
                  <dt>SHA-256</dt><dd className="mono hash">{models.llm.sha256}</dd>
                  <dt>Runs on</dt><dd>{models.device}</dd>
                  {models.lastRun && <><dt>Last used</dt><dd className="small">{models.lastRun.llm ?? 'not by the last run'}</dd></>}
                </dl>
              ) : <p className="small muted">No <span className="mono">*.gguf</span> file in the models folder. Fixes come from deterministic rule synthesis only.</p>}
            </section>
            <section className="card" data-testid="embedder">
              <div className="card-head"><h3>Embedding model (ONNX)</h3>{models.embedder ? <Badge tone="green">installed</Badge> : <Badge>not installed</Badge>}</div>
              {models.embedder ? (
                <>
                  <dl className="facts"><dt>Folder</dt><dd className="mono strong">{models.embedder.name}</dd><dt>Runs on</dt><dd>CPU (onnxruntime)</dd></dl>
                  <table className="table compact">
                    <thead><tr><th>File</th><th className="num">Size</th><th>SHA-256</th></tr></thead>
                    <tbody>{models.embedder.files.map((f: ModelFileView) => <tr key={f.path}><td className="mono small">{f.path.slice(models.embedder!.dir.length + 1)}</td><td className="num">{bytes(f.sizeBytes)}</td><td className="mono tiny hash">{f.sha256}</td></tr>)}</tbody>
                  </table>
                </>
              ) : <p className="small muted">No embedding model folder. Failures are grouped by their shape only.</p>}
            </section>
          </div>
          <section className="card usb">
            <div className="card-head"><h3><Icon name="usb" /> Install a model from a USB stick</h3></div>
            <ol className="steps">
              <li>On a connected computer, get the files (for example Phi-3-mini-4k-instruct in GGUF, and all-MiniLM-L6-v2 exported to ONNX) and check their SHA-256 against the publisher’s.</li>
              <li>Copy them onto the stick: the <span className="mono">.gguf</span> file, and the embedder as a folder holding <span className="mono">config.json</span>, <span className="mono">tokenizer.json</span>, <span className="mono">tokenizer_config.json</span> and <span className="mono">onnx/model.onnx</span>.</li>
              <li>On this computer, copy them into the models folder: <span className="mono strong">{models.dir}</span></li>
              <li>Press <em>Check again</em>, and compare the SHA-256 shown here with the publisher’s.</li>
            </ol>
            <div className="two-col">
              {models.install.map((block) => (
                <div key={block.platform}>
                  <div className="meta-l">{block.platform === 'windows' ? 'Windows (PowerShell)' : 'Linux / macOS'}</div>
                  <pre className="code">{block.commands.join('\n')}</pre>
                </div>
              ))}
            </div>
          </section>
        </>
      )}
    </div>
  );
}
