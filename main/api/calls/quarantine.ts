// The quarantine grid: pages and facets, read on the session's read-only connection so the
// grid stays fluent while a run or an export holds the main one.
import type { CallImpl, EngineSession } from '../session.js';
import { quarantineFacets, quarantinePage } from '../quarantineQuery.js';

type QuarantineCalls = Pick<CallImpl, 'quarantinePage' | 'quarantineFacets'>;

export function quarantineCalls(session: EngineSession): QuarantineCalls {
  return {
    async quarantinePage({ runId, offset, limit, filter, sort }) {
      const contract = session.contractOf(await session.engine(), runId);
      return quarantinePage(await session.readConnection('pages'), contract, runId, offset, limit, filter, sort);
    },
    async quarantineFacets({ runId, filter }) {
      const contract = session.contractOf(await session.engine(), runId);
      return quarantineFacets(await session.readConnection('facets'), contract, runId, filter);
    },
  };
}
