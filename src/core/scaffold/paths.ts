// Confinement of template paths: a rendered path must name a file strictly inside the target
// folder on every platform, so anything that could climb out, name a drive or a device, or
// confuse a file system is refused with the reason.

import * as l10n from '@vscode/l10n';
export type PathCheck = { readonly ok: true; readonly segments: readonly string[] } | { readonly ok: false; readonly reason: string };

/** Windows device names, refused with any extension because Windows maps them to devices. */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Characters Windows forbids in names, plus every control character. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[<>:"|?*\u0000-\u001f\u007f]/;
const MAX_SEGMENT_LENGTH = 255;
const MAX_PATH_LENGTH = 1024;

/** Checks a relative, `/`-separated path from a template and splits it into segments. */
export function checkRelativePath(path: string): PathCheck {
  if (path.length === 0) {
    return refuse(l10n.t('the path is empty'));
  }
  if (path.includes('\u0000')) {
    return refuse(l10n.t('the path contains a NUL byte'));
  }
  if (path.length > MAX_PATH_LENGTH) {
    return refuse(l10n.t('the path is longer than {0} characters', MAX_PATH_LENGTH));
  }
  if (path.includes('\\')) {
    return refuse(l10n.t('the path contains a backslash; template paths use "/" only'));
  }
  if (path.startsWith('/')) {
    return refuse(l10n.t('the path is absolute'));
  }
  if (/^[a-zA-Z]:/.test(path)) {
    return refuse(l10n.t('the path starts with a drive letter'));
  }
  if (path.startsWith('~')) {
    return refuse(l10n.t('the path starts with "~", which shells expand to a home folder'));
  }
  const segments = path.split('/');
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) {
      return refuse(problem);
    }
  }
  return { ok: true, segments };
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') {
    return l10n.t('the path has an empty name (a doubled or trailing "/")');
  }
  if (segment === '.' || segment === '..') {
    return l10n.t('the path contains "{0}"', segment);
  }
  if (segment.length > MAX_SEGMENT_LENGTH) {
    return l10n.t('a name in the path is longer than {0} characters', MAX_SEGMENT_LENGTH);
  }
  if (FORBIDDEN_CHARACTERS.test(segment)) {
    return l10n.t('the name "{0}" contains a character that is not allowed in file names', printable(segment));
  }
  if (/[. ]$/.test(segment) || /^ /.test(segment)) {
    return l10n.t('the name "{0}" starts with a space or ends with a dot or space', segment);
  }
  if (WINDOWS_DEVICES.test(segment)) {
    return l10n.t('the name "{0}" is a reserved device name on Windows', segment);
  }
  return undefined;
}

function refuse(reason: string): PathCheck {
  return { ok: false, reason };
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
