/** A copy of `bytes` backed by a plain ArrayBuffer, the type Prisma's Bytes fields take. */
export function dbBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
