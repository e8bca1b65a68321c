// The wire protocol's vocabulary: message types and the layout of each body (README, "Wire
// protocol"). Complete: how frames are cut out of the byte stream is yours, in framing.ts.

export const MessageType = {
  /** downloader → peer: root (32 bytes). */
  GetManifest: 0x01,
  /** downloader → peer: root (32 bytes). */
  GetHave: 0x02,
  /** downloader → peer: root (32 bytes), index (uint32 BE). */
  GetChunk: 0x03,
  /** peer → tracker: JSON {"peer":"host:port","roots":["hex",...]}. */
  Announce: 0x10,
  /** anyone → tracker: JSON {"root":"hex"}. */
  Lookup: 0x11,
  /** peer → downloader: the manifest as UTF-8 JSON. */
  Manifest: 0x81,
  /** peer → downloader: root (32 bytes), bitfield (bit i = chunk i, most significant bit first). */
  Have: 0x82,
  /** peer → downloader: root (32 bytes), index (uint32 BE), the chunk's bytes. */
  Chunk: 0x83,
  /** tracker → peer: JSON {"ttlMs":n}. */
  AnnounceOk: 0x90,
  /** tracker → anyone: JSON {"peers":["host:port",...]}. */
  Peers: 0x91,
  /** any → any: a UTF-8 message; the request failed, the connection stays usable. */
  Error: 0xff,
} as const;

export const ROOT_BYTES = 32;

/** "host:port" → its parts. */
export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`"${address}" is not a host:port address`);
  }
  return { host: address.slice(0, at), port };
}

export function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}

export function rootToBytes(root: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(root)) {
    throw new Error(`"${root}" is not a root hash (64 lowercase hex digits)`);
  }
  return Buffer.from(root, 'hex');
}

export function encodeRootBody(root: string): Buffer {
  return rootToBytes(root);
}

export function decodeRootBody(body: Buffer): string {
  if (body.length !== ROOT_BYTES) {
    throw new Error(`expected a 32-byte root, got ${body.length} bytes`);
  }
  return body.toString('hex');
}

export function encodeGetChunk(root: string, index: number): Buffer {
  const body = Buffer.allocUnsafe(ROOT_BYTES + 4);
  rootToBytes(root).copy(body, 0);
  body.writeUInt32BE(index, ROOT_BYTES);
  return body;
}

export function decodeGetChunk(body: Buffer): { root: string; index: number } {
  if (body.length !== ROOT_BYTES + 4) {
    throw new Error(`GET_CHUNK body must be 36 bytes, got ${body.length}`);
  }
  return { root: body.subarray(0, ROOT_BYTES).toString('hex'), index: body.readUInt32BE(ROOT_BYTES) };
}

export function encodeChunk(root: string, index: number, data: Uint8Array): Buffer {
  const body = Buffer.allocUnsafe(ROOT_BYTES + 4 + data.length);
  rootToBytes(root).copy(body, 0);
  body.writeUInt32BE(index, ROOT_BYTES);
  body.set(data, ROOT_BYTES + 4);
  return body;
}

export function decodeChunk(body: Buffer): { root: string; index: number; data: Buffer } {
  if (body.length < ROOT_BYTES + 4) {
    throw new Error(`CHUNK body too short: ${body.length} bytes`);
  }
  return {
    root: body.subarray(0, ROOT_BYTES).toString('hex'),
    index: body.readUInt32BE(ROOT_BYTES),
    data: body.subarray(ROOT_BYTES + 4),
  };
}

export function encodeHave(root: string, bitfield: Uint8Array): Buffer {
  return Buffer.concat([rootToBytes(root), bitfield]);
}

export function decodeHave(body: Buffer): { root: string; bitfield: Buffer } {
  if (body.length < ROOT_BYTES) {
    throw new Error(`HAVE body too short: ${body.length} bytes`);
  }
  return { root: body.subarray(0, ROOT_BYTES).toString('hex'), bitfield: body.subarray(ROOT_BYTES) };
}

/** A bitfield of `count` bits with the given indices set: bit i is (byte i>>3) & (0x80 >> (i & 7)). */
export function bitfieldOf(indices: Iterable<number>, count: number): Buffer {
  const bits = Buffer.alloc(Math.ceil(count / 8));
  for (const i of indices) {
    if (i >= 0 && i < count) {
      bits[i >> 3] = (bits[i >> 3] as number) | (0x80 >> (i & 7));
    }
  }
  return bits;
}

export function bitfieldHas(bits: Uint8Array, index: number): boolean {
  const byte = bits[index >> 3];
  return byte !== undefined && (byte & (0x80 >> (index & 7))) !== 0;
}

export function indicesOf(bits: Uint8Array, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (bitfieldHas(bits, i)) {
      out.push(i);
    }
  }
  return out;
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function decodeJson(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8'));
}
