import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { loadScenarioFile, startFakeServer } from '../../llm/fake/index.js';

/** `maestro fake-llm`: serve the fake OpenAI/Anthropic/Ollama server for testing one's own setup. */
export function registerFakeLlm(program: Command): void {
  program
    .command('fake-llm')
    .description('serve a fake OpenAI/Anthropic/Ollama API on 127.0.0.1 that answers from a scenario file')
    .requiredOption('--scenario <file>', 'scenario file (.json, .yaml or .yml; see src/llm/fake/README.md)')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .action(async (options: { scenario: string; port?: string }) => {
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a number from 0 to 65535, got "${options.port}"`);
      }
      const scenario = await loadScenarioFile(options.scenario);
      const server = await startFakeServer(scenario, { port });
      process.stdout.write(
        [
          `fake LLM server listening on ${server.url}`,
          `  OpenAI:    OPENAI_BASE_URL=${server.openaiBaseURL}`,
          `  Anthropic: ANTHROPIC_BASE_URL=${server.anthropicBaseURL}`,
          `  Ollama:    OLLAMA_HOST=${server.ollamaHost}`,
          'press Ctrl-C to stop',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
