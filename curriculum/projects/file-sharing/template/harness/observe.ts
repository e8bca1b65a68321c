// Questions tests ask of the proxies' shared event log, answered by order of events, not by time.
import type { ProxyEvent } from './proxy.ts';
import { Type } from './wire.ts';

export function chunkRequests(events: readonly ProxyEvent[], proxy?: string): ProxyEvent[] {
  return events.filter((e) => e.kind === 'request' && e.type === Type.GetChunk && (proxy === undefined || e.proxy === proxy));
}

export function deliveries(events: readonly ProxyEvent[], proxy?: string): ProxyEvent[] {
  return events.filter((e) => e.kind === 'chunk-done' && (proxy === undefined || e.proxy === proxy));
}

/** The most proxies that had a chunk request outstanding at the same moment. */
export function maxPeersBusyAtOnce(events: readonly ProxyEvent[]): number {
  const outstanding = new Map<string, number>();
  let best = 0;
  for (const e of events) {
    if (e.kind === 'request' && e.type === Type.GetChunk) {
      outstanding.set(e.proxy, (outstanding.get(e.proxy) ?? 0) + 1);
    } else if (e.kind === 'chunk-done' || e.kind === 'chunk-cut') {
      outstanding.set(e.proxy, Math.max(0, (outstanding.get(e.proxy) ?? 0) - 1));
    }
    best = Math.max(best, [...outstanding.values()].filter((n) => n > 0).length);
  }
  return best;
}

/** How many chunk deliveries (whole or cut) exceed one per chunk: the chunks fetched again. */
export function refetchedChunks(events: readonly ProxyEvent[]): number {
  const sent = events.filter((e) => e.kind === 'chunk-done' || e.kind === 'chunk-cut');
  return sent.length - new Set(sent.map((e) => e.index)).size;
}
