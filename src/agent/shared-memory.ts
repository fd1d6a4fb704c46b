/**
 * The run's shared memory: an append-only list of findings agents publish for each other.
 * Created once per run by the orchestrator (seeded from the journal on resume) and passed in.
 */
export interface Finding {
  /** Position in the run's memory, from 0. */
  seq: number;
  taskId: string;
  agentId: string;
  time: string;
  text: string;
  files: string[];
  tags: string[];
}

export type FindingInput = Pick<Finding, 'taskId' | 'agentId' | 'text'> & {
  files?: string[];
  tags?: string[];
};

export class SharedMemory {
  private readonly findings: Finding[] = [];
  private readonly listeners = new Set<(finding: Finding) => void>();

  constructor(
    initial: readonly Omit<Finding, 'seq'>[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const finding of initial) this.findings.push({ ...finding, seq: this.findings.length });
  }

  publish(input: FindingInput): Finding {
    const finding: Finding = {
      seq: this.findings.length,
      taskId: input.taskId,
      agentId: input.agentId,
      time: this.now().toISOString(),
      text: input.text,
      files: [...(input.files ?? [])],
      tags: [...(input.tags ?? [])],
    };
    this.findings.push(finding);
    for (const listener of this.listeners) listener(finding);
    return finding;
  }

  get size(): number {
    return this.findings.length;
  }

  all(): readonly Finding[] {
    return [...this.findings];
  }

  /** Findings published at or after position `seq`. */
  since(seq: number): Finding[] {
    return this.findings.slice(seq);
  }

  subscribe(listener: (finding: Finding) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const files = f.files.length > 0 ? ` [files: ${f.files.join(', ')}]` : '';
      const tags = f.tags.length > 0 ? ` [tags: ${f.tags.join(', ')}]` : '';
      return `- (${f.taskId}) ${f.text}${files}${tags}`;
    })
    .join('\n');
}
