// The learner's spaced review (core/review/schedule.ts) in the editor: records the answers given
// in a lesson, lists the topics due (the roadmap's "Due for review" row) and tells the views when
// that list changes: after an answer here or in another window, and when a topic falls due while
// VS Code is open.
import type * as vscode from 'vscode';
import { findTopic } from '../core/curriculum/model';
import {
  dueReviews,
  isReviewId,
  nextDueTime,
  nextReview,
  reviewChange,
  reviewId,
  reviewState,
  type DueReview,
  type ReviewAnswer,
  type ReviewState,
} from '../core/review/schedule';
import { Emitter, type Event } from '../core/util/event';
import { showFailure } from '../errors';
import type { LoadedRoadmap } from '../roadmap/roadmap';

/** setTimeout's longest delay is about 24.8 days; a topic due later is looked at again after a day. */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

export class ReviewBoard implements vscode.Disposable {
  private readonly changed = new Emitter<void>();
  /** Fires when the topics due may have changed. */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly subscription: { dispose(): void };
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Added to the system clock: only the integration and UI tests move it (RoadmapApi.reviews). */
  private offsetMs = 0;

  constructor(
    private readonly roadmap: LoadedRoadmap,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = roadmap.onDidChange(({ progressIds }) => {
      if (progressIds.some(isReviewId)) {
        this.update();
      }
    });
    this.arm();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** The topics due now, the longest overdue first. */
  due(): DueReview[] {
    return dueReviews(this.roadmap.curriculum, (id) => this.roadmap.progress.get(id), this.now());
  }

  state(topicId: string): ReviewState | undefined {
    return reviewState(this.roadmap.progress.get(reviewId(topicId)));
  }

  /** Records an answer to a topic's self-check; the new state, or undefined (the failure shown) when it could not be stored. */
  async answer(topicId: string, answer: ReviewAnswer): Promise<ReviewState | undefined> {
    if (!findTopic(this.roadmap.curriculum, topicId)) {
      return undefined;
    }
    const next = nextReview(this.state(topicId), answer, this.now());
    try {
      await this.roadmap.progress.apply([reviewChange(topicId, next)]);
      return next;
    } catch (error) {
      showFailure(this.log, `Recording the review of "${topicId}"`, error);
      return undefined;
    }
  }

  /** Moves this board's clock (tests only: the store's own stamps keep the real time). */
  shiftClock(ms: number): void {
    this.offsetMs += ms;
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    clearTimeout(this.timer);
  }

  private update(): void {
    this.arm();
    this.changed.fire();
  }

  /** Wakes up when the next topic falls due. */
  private arm(): void {
    clearTimeout(this.timer);
    const next = nextDueTime(this.roadmap.curriculum, (id) => this.roadmap.progress.get(id), this.now());
    if (next !== undefined) {
      this.timer = setTimeout(() => this.update(), Math.min(next - this.now().getTime() + 1000, MAX_WAIT_MS));
    }
  }
}
