import { zipSync, type Zippable } from 'fflate';

/** Builds a deployment package in memory from `{ 'path/in/zip': 'file text' }`. */
export function zipOf(files: Record<string, string | Uint8Array>): Buffer {
  const tree: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    tree[name] = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  }
  return Buffer.from(zipSync(tree));
}
