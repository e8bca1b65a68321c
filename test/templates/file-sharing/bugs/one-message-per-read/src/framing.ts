// KNOWN BUG (one-message-per-read): the decoder takes every read to be exactly one message.
// Milestone 2: messages on a TCP byte stream. TCP keeps bytes in order but not the boundaries of
// your writes: a read may hold half a message or three. Each frame is a 4-byte big-endian length
// (of what follows), a 1-byte type, then the body.

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

export function encodeFrame(type: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  if (!Number.isInteger(type) || type < 0 || type > 255) {
    throw new RangeError(`a frame type is one byte, got ${type}`);
  }
  if (1 + body.length > MAX_FRAME_LENGTH) {
    throw new FrameError(`a body of ${body.length} bytes does not fit in a frame`);
  }
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out.writeUInt32BE(1 + body.length, 0);
  out[4] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}

export class FrameDecoder {
  // Pieces received and not yet consumed; joined only when a whole frame is there, so feeding a
  // large frame byte by byte stays linear.
  #pieces: Buffer[] = [];
  #buffered = 0;

  push(bytes: Uint8Array): Frame[] {
    const read = Buffer.from(bytes);
    if (read.length < HEADER_LENGTH) {
      return [];
    }
    const length = read.readUInt32BE(0);
    if (length < 1 || length > MAX_FRAME_LENGTH) {
      throw new FrameError(`frame length ${length} is outside 1..${MAX_FRAME_LENGTH}`);
    }
    return [{ type: read[4] as number, body: read.subarray(HEADER_LENGTH, 4 + length) }];
  }

  /** Bytes received but not yet part of a returned frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  #peekLength(): number {
    const first = this.#pieces[0] as Buffer;
    const head = first.length >= 4 ? first : Buffer.concat(this.#pieces, 4);
    return head.readUInt32BE(0);
  }

  #take(count: number): Buffer {
    const all = this.#pieces.length === 1 ? (this.#pieces[0] as Buffer) : Buffer.concat(this.#pieces, this.#buffered);
    // Copy the frame out so that it does not pin the (possibly large) read buffer.
    const taken = Buffer.from(all.subarray(0, count));
    const rest = all.subarray(count);
    this.#pieces = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }
}
