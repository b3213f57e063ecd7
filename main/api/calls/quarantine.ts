// The quarantine grid: pages and facets, read on the session's read-only connection so the
// grid stays fluent while a run or an export holds the main one.
import type { CallImpl, EngineSession } from '../session.js';
import { quarantineFacets, quarantinePage } from '../quarantineQuery.js';
import { columnFacets, facetCells } from '../columnFacets.js';

type QuarantineCalls = Pick<CallImpl, 'quarantinePage' | 'quarantineFacets' | 'columnFacets' | 'facetCells'>;

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
    async columnFacets({ runId, filter }) {
      const contract = session.contractOf(await session.engine(), runId);
      return columnFacets(await session.readConnection('fields'), contract, runId, filter);
    },
    async facetCells({ runId, filter }) {
      const contract = session.contractOf(await session.engine(), runId);
      return facetCells(await session.readConnection('fields'), contract, runId, filter);
    },
  };
}
