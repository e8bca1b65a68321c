// What the real cluster (harness/cluster.ts) and the simulator (harness/sim.ts) set up alike: the
// node ids, which of them start as members, and the timings every replica gets, so a schedule in
// the simulator and a run of real processes describe the same cluster.

/** The shape of a cluster, as a test asks for it. */
export interface Topology {
  /** Nodes n1..nN, started at once: the initial members. */
  readonly nodes: number;
  /** More ids (after the members), started later: for rebalancing. */
  readonly spares?: number;
  readonly shards: number;
  readonly replicas: number;
  readonly heartbeatMs?: number;
  readonly electionMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface NodeSetup {
  /** Every id, spares included. */
  readonly ids: readonly string[];
  /** The ids started at once. */
  readonly members: readonly string[];
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly requestTimeoutMs: number;
}

/** Heartbeats every 30 ms, elections after 300 to 600 ms of silence, a request waits 800 ms for a majority. */
export function nodeSetup(topology: Topology): NodeSetup {
  const ids = Array.from({ length: topology.nodes + (topology.spares ?? 0) }, (_, i) => `n${i + 1}`);
  return {
    ids,
    members: ids.slice(0, topology.nodes),
    heartbeatMs: topology.heartbeatMs ?? 30,
    electionMs: topology.electionMs ?? 300,
    requestTimeoutMs: topology.requestTimeoutMs ?? 800,
  };
}
