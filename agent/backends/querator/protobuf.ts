/**
 * Just enough protobuf to find the queue name and request timeout of a Querator call sent as
 * `application/protobuf`, and to write DUH-RPC's `Reply` message. The reader walks the top-level
 * fields of a message the way Go's proto.Unmarshal does: every wire type (groups included) is
 * skipped correctly, the last occurrence of a field wins, a known field with another wire type is
 * ignored (Go keeps it as an unknown field), and anything Go would reject (truncation, field 0,
 * wire types 6 and 7, a stray end-group, invalid UTF-8 in a wanted string) makes the whole
 * message malformed, so the gateway passes it to the server and lets the server answer.
 */

const MAX_FIELD_NUMBER = 2 ** 29 - 1;

class Malformed extends Error {}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** A varint as a double: exact below 2^53, which covers tags and any length that fits in memory. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.bytes.length) throw new Malformed('truncated varint');
      const byte = this.bytes[this.offset++];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  skip(count: number): void {
    if (count > this.bytes.length - this.offset) throw new Malformed('truncated field');
    this.offset += count;
  }

  take(count: number): Uint8Array {
    const start = this.offset;
    this.skip(count);
    return this.bytes.subarray(start, this.offset);
  }

  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0 || field > MAX_FIELD_NUMBER) throw new Malformed(`invalid field number ${field}`);
    return { field, wireType: tag % 8 };
  }

  /** Skips the value of a field whose tag was just read; `group` is set inside a group. */
  skipValue(field: number, wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.skip(8);
        return;
      case 2:
        this.skip(this.varint());
        return;
      case 5:
        this.skip(4);
        return;
      case 3:
        for (;;) {
          if (this.done()) throw new Malformed('unterminated group');
          const inner = this.tag();
          if (inner.wireType === 4) {
            if (inner.field !== field) throw new Malformed('mismatched end group');
            return;
          }
          this.skipValue(inner.field, inner.wireType);
        }
      default:
        throw new Malformed(`invalid wire type ${wireType}`);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The string fields `wanted` of a message's top level (absent ones are missing from the map), or
 * null when Go would refuse the message.
 */
export function readStringFields(bytes: Uint8Array, wanted: readonly number[]): Map<number, string> | null {
  const found = new Map<number, string>();
  const reader = new Reader(bytes);
  try {
    while (!reader.done()) {
      const { field, wireType } = reader.tag();
      if (wireType === 4) throw new Malformed('end group outside a group');
      if (wireType === 2 && wanted.includes(field)) {
        const value = reader.take(reader.varint());
        found.set(field, utf8.decode(value));
      } else {
        reader.skipValue(field, wireType);
      }
    }
  } catch (error) {
    if (error instanceof Malformed || error instanceof TypeError) return null; // TypeError: invalid UTF-8
    throw error;
  }
  return found;
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** DUH-RPC's `Reply {int32 code = 1; string code_text = 2; string message = 3; map details = 4}`. */
export function encodeDuhReply(code: number, codeText: string, message: string): Buffer {
  const parts: number[] = [0x08, ...varintBytes(code)];
  for (const [field, text] of [
    [2, codeText],
    [3, message],
  ] as const) {
    if (!text) continue; // proto3 leaves empty strings out
    const bytes = Buffer.from(text, 'utf8');
    parts.push((field << 3) | 2, ...varintBytes(bytes.length), ...bytes);
  }
  return Buffer.from(parts);
}
