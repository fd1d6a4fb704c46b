import type { ConflictHunk } from '../../git/conflict-types.js';
import type { Provider, TurnRequest } from '../../llm/types.js';
import type { ResolutionSession, SessionFile } from '../../git/resolution-session.js';

/**
 * `g` in the review: ask a model for one hunk's resolution. The answer is only shown as a fourth
 * side; nothing is applied unless the user picks it.
 */
export interface ProposalContext {
  session: ResolutionSession;
  file: SessionFile;
}

const fence = '```';

function block(title: string, lines: string[] | undefined): string {
  return `${title}:\n${fence}\n${(lines ?? []).join('\n')}\n${fence}`;
}

export function proposalRequest(hunk: ConflictHunk, context: ProposalContext, model: string): TurnRequest {
  const { session, file } = context;
  const user = [
    `File ${file.path} has a merge conflict. "Ours" is the result branch (${session.labels.ours});`,
    `"theirs" is the task "${session.labels.theirs}". Combine them so both intents survive.`,
    '',
    ...(hunk.base ? [block('Base (the common ancestor)', hunk.base), ''] : []),
    block('Ours', hunk.ours),
    '',
    block('Theirs', hunk.theirs),
    '',
    'Answer with the resolved lines only, in one fenced code block, without conflict markers.',
  ].join('\n');
  return {
    model,
    system: [{ text: 'You resolve git merge conflicts precisely and minimally.' }],
    messages: [{ role: 'user', content: user }],
    maxOutputTokens: 2_000,
    temperature: 0,
  };
}

/** The lines of the first fenced block of the answer, or the whole answer when it has none. */
export function proposalLines(answer: string): string[] {
  const match = /```[^\n]*\n([\s\S]*?)\n?```/.exec(answer);
  const body = match ? (match[1] ?? '') : answer.trim();
  return body === '' ? [] : body.split(/\r?\n/);
}

/** A `propose` service for the review over any Provider (the lead passes the task's model). */
export function proposeWith(
  provider: Provider,
  model: string,
): (hunk: ConflictHunk, context: ProposalContext) => Promise<string[]> {
  return async (hunk, context) => {
    let text = '';
    for await (const event of provider.stream(proposalRequest(hunk, context, model))) {
      if (event.type === 'text') text += event.delta;
    }
    return proposalLines(text);
  };
}
