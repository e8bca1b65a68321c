// `npm run manifest -- <file> [--chunk-size 65536]`: prints a file's root hash and chunk count,
// the name to give the downloader.
import { parseArgs } from 'node:util';
import { DEFAULT_CHUNK_SIZE, buildManifest } from '../chunking.ts';
import { numberOption, runMain } from './options.ts';

runMain(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'chunk-size': { type: 'string' } } });
  for (const path of positionals) {
    const manifest = await buildManifest(path, { chunkSize: numberOption(values['chunk-size'], 'chunk-size', DEFAULT_CHUNK_SIZE) });
    console.log(`${manifest.root}  ${manifest.hashes.length} chunks  ${manifest.size} bytes  ${path}`);
  }
});
