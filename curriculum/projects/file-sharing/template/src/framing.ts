// Milestone 2: messages on a TCP byte stream. TCP keeps bytes in order but not the boundaries of
// your writes: one read may hold half a message, or three. A frame is a 4-byte big-endian length
// (of what follows: type and body), a 1-byte type, then the body (README, "Wire protocol").

export const HEADER_LENGTH = 5;
/** The largest length field accepted: a 16 MiB chunk plus its 36-byte header, with room to spare. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024 + 64;

export interface Frame {
  readonly type: number;
  readonly body: Buffer;
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** The bytes of one frame: length (1 + body length, uint32 big-endian), type, body. */
export function encodeFrame(type: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  throw new Error('TODO(milestone 2): write the length prefix, type and body in encodeFrame (src/framing.ts). Read first: "Sockets and message framing", "TCP".');
}

/**
 * Turns the reads of one connection back into frames. Keep what a read leaves over for the next:
 * `push` returns every frame completed by these bytes (zero, one or many), in order.
 * Throws FrameError on a length of 0 or above MAX_FRAME_LENGTH: the stream is garbage, close it.
 * Feeding a large frame one byte at a time must stay fast (do not re-copy everything per byte).
 */
export class FrameDecoder {
  push(bytes: Uint8Array): Frame[] {
    throw new Error('TODO(milestone 2): reassemble frames across reads in FrameDecoder.push (src/framing.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** Bytes received but not yet part of a returned frame. */
  get bufferedBytes(): number {
    throw new Error('TODO(milestone 2): count the bytes FrameDecoder holds (src/framing.ts). Read first: "Sockets and message framing", "TCP".');
  }
}
