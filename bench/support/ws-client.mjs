// A lean WebSocket client (RFC 6455) for the subscription bench's load processes. The load
// generator must cost less than what it measures: with `ws`, whose receiver is a Writable stream
// that emits an event per message, the two load processes on the one core the gateway is not on
// spent about as much CPU per delivery as the gateway did, so part of the latency measured was the
// clients'. This one reads frames straight off the socket's data events and answers pings and
// closes itself; it speaks only what the bench needs (text frames out, text/ping/close in, no
// extensions).
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/** A masked client frame (clients must mask every frame they send). */
function clientFrame(opcode, payload) {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | length;
  else if (header === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < length; i += 1) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/**
 * Opens a WebSocket to `url` with `protocol`; resolves once the server accepted the upgrade.
 * `onText(text)` gets every text message; `onClose(code)` once, when the connection ends.
 */
export function openWebSocket(url, { protocol, localAddress, onText, onClose }) {
  const { hostname, port, pathname, search } = new URL(url);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress, noDelay: true });
    let pending = Buffer.alloc(0);
    let upgraded = false;
    let closed = false;
    let closeCode = 1006;
    const client = {
      sendText: (text) => socket.write(clientFrame(TEXT, Buffer.from(text))),
      close: (code = 1000) => {
        const payload = Buffer.allocUnsafe(2);
        payload.writeUInt16BE(code);
        socket.end(clientFrame(CLOSE, payload));
      },
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      if (upgraded) onClose(closeCode);
      else reject(new Error(`no WebSocket upgrade from ${url}`));
    };
    // frames off the buffer; a frame cut off at the end waits for the next chunk
    const readFrames = (chunk) => {
      let buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (buffer.length - at >= 2) {
        const opcode = buffer[at] & 0x0f;
        let length = buffer[at + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (buffer.length - at < 4) break;
          length = buffer.readUInt16BE(at + 2);
          header = 4;
        } else if (length === 127) {
          if (buffer.length - at < 10) break;
          length = Number(buffer.readBigUInt64BE(at + 2));
          header = 10;
        }
        if (buffer.length - at < header + length) break;
        const start = at + header;
        at = start + length;
        if (opcode === TEXT) onText(buffer.toString('utf8', start, at));
        else if (opcode === PING) socket.write(clientFrame(PONG, buffer.subarray(start, at)));
        else if (opcode === CLOSE) {
          closeCode = length >= 2 ? buffer.readUInt16BE(start) : 1005;
          socket.end();
        } else if (opcode !== PONG) throw new Error(`unexpected WebSocket opcode ${opcode} from ${url}`);
      }
      pending = at === buffer.length ? Buffer.alloc(0) : buffer.subarray(at);
    };
    socket.on('data', (chunk) => {
      if (upgraded) return readFrames(chunk);
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = pending.toString('latin1', 0, end);
      const rest = pending.subarray(end + 4);
      pending = Buffer.alloc(0);
      const accepted = head.split('\r\n').some((line) => /^sec-websocket-accept:/i.test(line) && line.slice(line.indexOf(':') + 1).trim() === accept);
      if (!/^HTTP\/1\.1 101 /.test(head) || !accepted) {
        socket.destroy();
        return reject(new Error(`WebSocket upgrade refused by ${url}: ${head.split('\r\n')[0]}`));
      }
      upgraded = true;
      resolve(client);
      if (rest.length > 0) readFrames(rest);
    });
    socket.on('error', (error) => {
      if (!upgraded) reject(error);
    });
    socket.on('close', finish);
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
  });
}
