import { z } from 'zod';

/** Task ids become branch names (`maestro/<runId>/tasks/<taskId>`): keep them ref-safe. */
export const taskIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const taskSchema = z.strictObject({
  id: z.string().regex(taskIdPattern, 'task ids are lowercase letters, digits and dashes (max 63)'),
  title: z.string().trim().min(1),
  instructions: z.string().trim().min(1, 'instructions must not be empty'),
  /** Globs of the files the task expects to touch (used for overlap prediction and the agent's lane). */
  files: z.array(z.string().min(1)).default([]),
  dependsOn: z.array(z.string()).default([]),
});

export const planSchema = z.strictObject({
  objective: z.string().default(''),
  tasks: z.array(taskSchema).min(1, 'a plan needs at least one task'),
});

export type Task = z.infer<typeof taskSchema>;
export type Plan = z.infer<typeof planSchema>;
