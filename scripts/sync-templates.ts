// `npm run sync:templates [-- --from <project>]`: copies each shared template file
// (scripts/shared-template-files.ts) from its canonical template, or from <project>'s copy, over the
// copies in the other templates that share it. Says what it copied; writes only what differs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diskTemplateTree, SHARED_TEMPLATE_FILES, sharedFileDrift, templateFile } from './shared-template-files';

const root = join(__dirname, '..');
const fromIndex = process.argv.indexOf('--from');
const from = fromIndex >= 0 ? process.argv[fromIndex + 1] : undefined;
if (fromIndex >= 0 && (from === undefined || !SHARED_TEMPLATE_FILES.some((file) => file.templates.includes(from)))) {
  console.error(
    `sync:templates: --from takes a project that holds shared files: ${[...new Set(SHARED_TEMPLATE_FILES.flatMap((file) => file.templates))].join(', ')}.`,
  );
  process.exit(2);
}

const tree = diskTemplateTree(root);
let copied = 0;
for (const file of SHARED_TEMPLATE_FILES) {
  const source = from !== undefined && file.templates.includes(from) ? from : file.templates[0];
  const content = source === undefined ? undefined : tree.read(source, file.path);
  if (source === undefined || content === undefined) {
    console.error(`sync:templates: ${file.path} has no copy to sync from${source === undefined ? '' : ` (${templateFile(source, file.path)} is missing)`}.`);
    process.exit(1);
  }
  for (const project of file.templates.filter((p) => p !== source)) {
    const copy = tree.read(project, file.path);
    if (copy === undefined || !Buffer.from(copy).equals(Buffer.from(content))) {
      const target = join(root, templateFile(project, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      console.log(`${templateFile(source, file.path)} -> ${templateFile(project, file.path)}`);
      copied++;
    }
  }
}
const left = sharedFileDrift(tree);
console.log(
  `sync:templates: ${copied} cop${copied === 1 ? 'y' : 'ies'} written; ${left.length === 0 ? 'every shared file is in step.' : `still out of step:\n${left.join('\n')}`}`,
);
process.exit(left.length === 0 ? 0 : 1);
