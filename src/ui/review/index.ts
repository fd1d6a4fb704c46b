/** The conflict review: what the dashboard and `maestro resolve` use. */
export { ReviewView, ReviewApp, type ReviewServices, type ReviewViewProps } from './ReviewView.js';
export { ConflictReview, type ConflictReviewProps } from './ConflictReview.js';
export { runReview, type RunReviewOptions } from './run-review.js';
export {
  reviewKeymap,
  reviewCommandFor,
  reviewHelp,
  type ReviewBinding,
  type ReviewCommand,
} from './keys.js';
export { initialReviewState, reduceReview, type ReviewAction, type ReviewState } from './review-state.js';
export {
  openReviewSessions,
  pendingConflicts,
  oursLabel,
  reviewServices,
  resolutionEvents,
  type JournalSink,
  type PendingConflict,
  type ReviewServiceOptions,
} from './sessions.js';
export { proposeWith, proposalRequest, proposalLines, type ProposalContext } from './proposal.js';
