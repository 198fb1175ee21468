import { MessageType } from 'graphql-ws';
import type { ExecutionResult } from 'graphql';
import { WriteBatch } from './write-batch';

/**
 * A WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked as a server sends it) holding
 * `text`. ws frames every message for one socket at a time (and its static framing is untyped
 * and returns header and body as two writes); built here, one frame is written whole to every
 * socket that receives the same message.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

/** The start of a graphql-ws `next` message for subscription `id`, as graphql-ws writes it; the payload and `}` follow. */
export const nextMessagePrefix = (id: string): string => `{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`;

/**
 * One completed event as every subscriber of a shared subscription receives it: the result,
 * serialized at most once, and its `next` frame built once per subscription id (clients that
 * number their subscriptions alike share one frame; every subscriber gets the same bytes).
 */
export class PreparedEvent {
  private json: string | undefined;
  private readonly frames = new Map<string, Buffer>();
  /** The sockets its frames were written to, released once every subscriber has its frame. */
  readonly writes = new WriteBatch();

  constructor(
    readonly result: ExecutionResult,
    private readonly serialize: (result: ExecutionResult) => string,
  ) {}

  /** The serialized result: the `payload` of its `next` messages. */
  get payload(): string {
    this.json ??= this.serialize(this.result);
    return this.json;
  }

  /** The whole WebSocket frame of the `next` message for subscription `id` (`prefix` is nextMessagePrefix(id)). */
  frame(id: string, prefix: string): Buffer {
    let frame = this.frames.get(id);
    if (!frame) {
      frame = textFrame(`${prefix}${this.payload}}`);
      this.frames.set(id, frame);
    }
    return frame;
  }
}
