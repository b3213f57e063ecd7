// One quarantined row opened in the row panel, read on the grid's read-only connection so that
// opening a row never waits behind a run.
import type { CallImpl, EngineSession } from '../session.js';
import { quarantineRow } from '../rowDetail/quarantineRow.js';

type QuarantineRowCalls = Pick<CallImpl, 'quarantineRow'>;

export function quarantineRowCalls(session: EngineSession): QuarantineRowCalls {
  return {
    async quarantineRow({ runId, rowId }) {
      const engine = await session.engine();
      const contract = session.contractOf(engine, runId);
      return quarantineRow(engine, await session.readConnection('pages'), contract, runId, rowId);
    },
  };
}
