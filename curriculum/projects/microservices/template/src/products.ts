// What the shop sells (given): fixed data shared by catalog and inventory.

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'p1', name: 'Lamport clock (wall model)', priceCents: 2400 },
  { id: 'p2', name: 'Vector clock (pocket)', priceCents: 1800 },
  { id: 'p3', name: 'Paxos made simple, mug', priceCents: 1200 },
  { id: 'p4', name: 'Raft log notebook', priceCents: 900 },
  { id: 'p5', name: 'CAP theorem cap', priceCents: 1500 },
  { id: 'p6', name: 'Byzantine general figurine', priceCents: 3100 },
  { id: 'p7', name: 'Gossip protocol megaphone', priceCents: 2000 },
  { id: 'p8', name: 'Idempotency key ring', priceCents: 700 },
];
