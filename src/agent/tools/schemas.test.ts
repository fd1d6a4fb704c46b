import { describe, expect, it } from 'vitest';
import { buildToolSpecs, toolJsonSchema } from './schemas.js';

describe('tool specs', () => {
  it('describes every tool with a strict JSON schema', () => {
    const specs = buildToolSpecs(['npm test']);
    expect(specs.map((s) => s.name)).toEqual([
      'list_files',
      'read_file',
      'write_file',
      'edit_file',
      'search',
      'run_command',
      'publish_finding',
      'read_findings',
      'finish',
    ]);
    for (const spec of specs) {
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.parameters).toMatchObject({ type: 'object', additionalProperties: false });
    }
    expect(specs.find((s) => s.name === 'run_command')?.description).toContain('Allowed: "npm test".');
    expect(toolJsonSchema('read_file')).toEqual({
      type: 'object',
      properties: {
        path: expect.objectContaining({ type: 'string', minLength: 1 }),
        startLine: expect.objectContaining({ type: 'integer', minimum: 1 }),
        endLine: expect.objectContaining({ type: 'integer', minimum: 1 }),
      },
      required: ['path'],
      additionalProperties: false,
    });
    expect(JSON.stringify(toolJsonSchema('read_file'))).not.toContain('maximum');
  });

  it('leaves run_command out when no command is allowed', () => {
    expect(buildToolSpecs([]).map((s) => s.name)).not.toContain('run_command');
  });
});
