// How a failure the learner can meet is shown: its message once, with the log one click away;
// the details (stack, cause) go to the log.
import * as vscode from 'vscode';

export function showFailure(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${what} failed:`, error);
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(message, showLog).then((choice) => {
    if (choice === showLog) {
      log.show();
    }
  });
}
