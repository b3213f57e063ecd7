// One quarantined row opened in the row panel, on a reading connection of its own so that opening
// a row never waits behind a run. Rows are opened one at a time: the vote for the row's
// candidates builds temp tables with fixed names on that connection.
import type { CallImpl, EngineSession } from '../session.js';
import { quarantineRow } from '../rowDetail/quarantineRow.js';

type QuarantineRowCalls = Pick<CallImpl, 'quarantineRow'>;

export function quarantineRowCalls(session: EngineSession): QuarantineRowCalls {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    quarantineRow({ runId, rowId }) {
      const next = tail.then(async () => {
        const engine = await session.engine();
        const contract = session.contractOf(engine, runId);
        return quarantineRow(engine, await session.readConnection('rows'), contract, runId, rowId);
      });
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
