// Lesson page script: turns button clicks into the few messages the extension accepts.
// Loaded with the page's nonce; no inline handlers anywhere.
(function () {
  const vscode = acquireVsCodeApi();
  const body = document.body;
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
    if (!target) {
      return;
    }
    const action = target.getAttribute('data-action');
    if (action === 'markDone') {
      vscode.postMessage({ type: 'markDone', topicId: body.dataset.topic, done: body.dataset.done !== 'true' });
    } else if (action === 'openTopic') {
      vscode.postMessage({ type: 'openTopic', topicId: target.getAttribute('data-topic') });
    } else if (action === 'openMilestone') {
      vscode.postMessage({
        type: 'openMilestone',
        project: target.getAttribute('data-project'),
        milestone: target.getAttribute('data-milestone'),
      });
    }
  });
})();
