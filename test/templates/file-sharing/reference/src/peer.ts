// Milestone 2: a peer serves the chunks it holds over TCP. Requests on one connection are answered
// one after the other, in order; a broken frame ends that connection, never the peer.
import { createServer, type Socket } from 'node:net';
import { readChunk, type Manifest } from './chunking.ts';
import { FrameDecoder, encodeFrame, type Frame } from './framing.ts';
import {
  MessageType,
  bitfieldOf,
  decodeGetChunk,
  decodeRootBody,
  encodeChunk,
  encodeHave,
  encodeJson,
} from './protocol.ts';

export interface SharedFile {
  readonly manifest: Manifest;
  /** The complete file on disk. */
  readonly path: string;
  /** The chunks this peer may serve and advertise; all when absent. Read at each request: it may grow. */
  readonly have?: ReadonlySet<number>;
}

export interface PeerOptions {
  readonly files: readonly SharedFile[];
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface PeerServer {
  readonly port: number;
  close(): Promise<void>;
}

export function startPeer(options: PeerOptions): Promise<PeerServer> {
  const files = new Map(options.files.map((file) => [file.manifest.root, file]));
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, files);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) {
              socket.destroy();
            }
            server.close(() => done());
          }),
      });
    });
  });
}

function serveConnection(socket: Socket, files: ReadonlyMap<string, SharedFile>): void {
  const decoder = new FrameDecoder();
  // One answer at a time keeps answers in request order and lets a slow reader slow us down.
  let queue: Promise<void> = Promise.resolve();
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (bytes: Buffer) => {
    let frames: Frame[];
    try {
      frames = decoder.push(bytes);
    } catch {
      socket.destroy();
      return;
    }
    for (const frame of frames) {
      queue = queue.then(async () => {
        if (socket.destroyed) {
          return;
        }
        const answer = await answerFor(frame, files).catch((error: Error) => encodeFrame(MessageType.Error, Buffer.from(error.message)));
        if (!socket.write(answer)) {
          await new Promise<void>((resolve) => {
            socket.once('drain', resolve);
            socket.once('close', resolve);
          });
        }
      });
    }
  });
}

async function answerFor(frame: Frame, files: ReadonlyMap<string, SharedFile>): Promise<Buffer> {
  switch (frame.type) {
    case MessageType.GetManifest: {
      const file = fileFor(files, decodeRootBody(frame.body));
      return encodeFrame(MessageType.Manifest, encodeJson(file.manifest));
    }
    case MessageType.GetHave: {
      const file = fileFor(files, decodeRootBody(frame.body));
      const count = file.manifest.hashes.length;
      const held = file.have ?? Array.from({ length: count }, (_, i) => i);
      return encodeFrame(MessageType.Have, encodeHave(file.manifest.root, bitfieldOf(held, count)));
    }
    case MessageType.GetChunk: {
      const { root, index } = decodeGetChunk(frame.body);
      const file = fileFor(files, root);
      if (index >= file.manifest.hashes.length || (file.have !== undefined && !file.have.has(index))) {
        throw new Error(`no chunk ${index} of ${root.slice(0, 12)}… here`);
      }
      const data = await readChunk(file.path, file.manifest, index);
      return encodeFrame(MessageType.Chunk, encodeChunk(root, index, data));
    }
    default:
      throw new Error(`unknown message type 0x${frame.type.toString(16)}`);
  }
}

function fileFor(files: ReadonlyMap<string, SharedFile>, root: string): SharedFile {
  const file = files.get(root);
  if (!file) {
    throw new Error(`no file ${root.slice(0, 12)}… here`);
  }
  return file;
}
