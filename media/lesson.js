// Lesson page script: turns button clicks into the few messages the extension accepts, applies
// the extension's progress updates in place (no reload: scroll, open answers and focus stay), and
// keeps the reader's place in the webview state, which VS Code keeps across tab switches and
// hands back after a restart. Loaded with the page's nonce; no inline handlers anywhere.
(function () {
  const vscode = acquireVsCodeApi();
  const body = document.body;
  const topicId = body.dataset.topic;
  const answers = () => Array.from(document.querySelectorAll('.questions details'));

  function save() {
    const open = answers()
      .map((details, index) => (details.open ? index : -1))
      .filter((index) => index >= 0);
    vscode.setState({ topicId, scrollY: Math.round(window.scrollY), open });
  }

  // Back to where the reader was in this topic; a state saved for another topic is not theirs here.
  const saved = vscode.getState();
  if (saved && saved.topicId === topicId) {
    const list = answers();
    for (const index of Array.isArray(saved.open) ? saved.open : []) {
      if (list[index]) {
        list[index].open = true;
      }
    }
    if (typeof saved.scrollY === 'number') {
      window.scrollTo(0, saved.scrollY);
    }
  }
  save();

  let pending = false;
  window.addEventListener('scroll', () => {
    if (!pending) {
      pending = true;
      setTimeout(() => {
        pending = false;
        save();
      }, 150);
    }
  });
  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener('toggle', save, true);

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'review' && typeof message.text === 'string') {
      const line = document.getElementById('review-status');
      if (line) {
        line.textContent = message.text;
      }
      return;
    }
    if (!message || message.type !== 'state' || typeof message.done !== 'boolean') {
      return;
    }
    body.dataset.done = String(message.done);
    const mark = document.getElementById('mark-done');
    if (mark) {
      mark.textContent = String(message.markLabel);
    }
    const markNext = document.getElementById('mark-done-next');
    if (markNext) {
      markNext.hidden = message.done;
    }
    const status = document.getElementById('status');
    if (status) {
      status.textContent = String(message.announcement);
    }
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
    if (!target) {
      return;
    }
    const action = target.getAttribute('data-action');
    if (action === 'markDone') {
      vscode.postMessage({ type: 'markDone', topicId, done: body.dataset.done !== 'true' });
    } else if (action === 'markDoneAndNext') {
      vscode.postMessage({ type: 'markDoneAndNext', topicId });
    } else if (action === 'openTopic') {
      vscode.postMessage({ type: 'openTopic', topicId: target.getAttribute('data-topic') });
    } else if (action === 'review') {
      vscode.postMessage({ type: 'review', topicId, answer: target.getAttribute('data-answer') });
    } else if (action === 'openNotes') {
      vscode.postMessage({ type: 'openNotes', topicId });
    } else if (action === 'openMilestone') {
      vscode.postMessage({
        type: 'openMilestone',
        project: target.getAttribute('data-project'),
        milestone: target.getAttribute('data-milestone'),
      });
    }
  });
})();
