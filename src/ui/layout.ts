/**
 * Pane sizes for a terminal. The frame is one row shorter than the terminal: a frame as tall as
 * the screen makes Ink clear the whole screen on every update.
 */
export interface Box {
  width: number;
  height: number;
}

export interface Layout {
  stacked: boolean;
  width: number;
  height: number;
  agents: Box;
  activity: Box;
  plan: Box;
  feed: Box;
  footer: Box;
  /** Area for full views (diff, merge, help) above the footer. */
  main: Box;
}

export const footerRows = 2;
const minRows = 8;

export function computeLayout(columns: number, rows: number): Layout {
  const width = Math.max(20, columns);
  const height = Math.max(minRows, rows - 1);
  const body = height - footerRows;
  const footer = { width, height: footerRows };
  const main = { width, height: body };
  if (width >= 100 && body >= 12) {
    const left = Math.floor(width * 0.55);
    const right = width - left;
    const agentsHeight = Math.ceil(body * 0.6);
    const activityHeight = Math.ceil(body * 0.7);
    return {
      stacked: false,
      width,
      height,
      agents: { width: left, height: agentsHeight },
      plan: { width: left, height: body - agentsHeight },
      activity: { width: right, height: activityHeight },
      feed: { width: right, height: body - activityHeight },
      footer,
      main,
    };
  }
  // Narrow: one column; plan and feed shrink first, and vanish when there is no room.
  const roomy = body >= 24;
  const plan = roomy ? Math.floor(body * 0.18) : 0;
  const feed = roomy ? Math.floor(body * 0.14) : 0;
  // At least one agent row (a pane's border and title take three), even on a tiny terminal.
  const agents = Math.max(4, Math.floor((body - plan - feed) * 0.45));
  const activity = body - plan - feed - agents;
  return {
    stacked: true,
    width,
    height,
    agents: { width, height: agents },
    activity: { width, height: activity },
    plan: { width, height: plan },
    feed: { width, height: feed },
    footer,
    main,
  };
}
